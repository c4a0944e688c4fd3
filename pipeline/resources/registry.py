"""The Académie's resources: the documents staff add to the resource centre, kept in the corpus.

Each has its title, date, event, author, licence and a summary written by staff.

They live in the corpus, beside the facts: `corpus/resources/resources.yaml` lists them, and each document is kept
as `corpus/resources/<id>.<ext>` with the text read from it as `<id>.txt` (what the site's search indexes and what
propose-facts reads). The corpus, not data/: a resource is editorial content the site publishes, versioned and
reviewed like the facts and carried by a clone, while data/ holds the studio's rebuildable state (the drafts
database, the index). Adding one changes only these files; a refused document changes nothing."""
from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from pipeline.errors import CorpusError
from pipeline.resources.reader import DocumentError, DocumentText, read_document

FOLDER = "resources"
LIST = "resources.yaml"
FIELDS = ("id", "title", "date", "event", "author", "licence", "lang", "file", "summary")


@dataclass(frozen=True)
class Resource:
    id: str
    title: str
    date: date
    event: str
    author: str
    licence: str
    lang: str
    file: str            # the document's file name in corpus/resources/
    summary: str
    text: str = ""       # read from <id>.txt
    path: str = ""       # the stored document's full path

    @property
    def kind(self) -> str:
        return Path(self.file).suffix.lower().lstrip(".")


def folder(corpus_dir: Path) -> Path:
    return Path(corpus_dir) / FOLDER


def slug(text: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:60].strip("-") or "ressource"


def load_resources(corpus_dir: Path) -> list[Resource]:
    """Every resource of the corpus, newest first; CorpusError naming the entry when one is incomplete."""
    path = folder(corpus_dir) / LIST
    if not path.exists():
        return []
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc})", fix="fix the file or restore it from git") from exc
    out = []
    for n, row in enumerate(rows if isinstance(rows, list) else [], 1):
        missing = [k for k in FIELDS if not str((row or {}).get(k, "")).strip()]
        if missing:
            raise CorpusError(f"{path}: resource #{n} ({(row or {}).get('id', '?')}) lacks {', '.join(missing)}",
                              fix="fill the fields in corpus/resources/resources.yaml (see corpus/README.md)")
        day = row["date"] if isinstance(row["date"], date) else date.fromisoformat(str(row["date"]))
        txt = folder(corpus_dir) / f"{row['id']}.txt"
        out.append(Resource(str(row["id"]), str(row["title"]), day, str(row["event"]), str(row["author"]),
                            str(row["licence"]), str(row["lang"]), str(row["file"]), str(row["summary"]).strip(),
                            txt.read_text(encoding="utf-8") if txt.exists() else "",
                            str(folder(corpus_dir) / str(row["file"]))))
    return sorted(out, key=lambda r: (r.date, r.id), reverse=True)


def add_resource(corpus_dir: Path, source: Path, *, title: str, day: date, event: str, author: str, licence: str,
                 summary: str, lang: str | None = None) -> tuple[Resource, DocumentText]:
    """Read the document (refused with a clear message if it cannot be), copy it into the corpus with its text and
    list it. The document's language is detected unless `lang` is given."""
    for name, value in (("--title", title), ("--event", event), ("--author", author), ("--licence", licence),
                        ("--summary", summary)):
        if not (value or "").strip():
            raise DocumentError(f"{Path(source).name}: {name} is empty", fix=f"give {name} (see --help)")
    doc = read_document(Path(source), lang)
    base = folder(corpus_dir)
    existing = load_resources(corpus_dir)
    rid = f"{day.isoformat()}-{slug(title)}"
    if any(r.id == rid for r in existing):
        raise DocumentError(f"{Path(source).name}: a resource {rid} (same title and date) is already listed",
                            fix="give another title or date, or edit corpus/resources/resources.yaml")
    res = Resource(rid, title.strip(), day, event.strip(), author.strip(), licence.strip(), doc.lang,
                   f"{rid}{Path(source).suffix.lower()}", summary.strip(), doc.text)
    res = Resource(**{**res.__dict__, "path": str(base / res.file)})
    base.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, base / res.file)
    (base / f"{rid}.txt").write_text(doc.text + "\n", encoding="utf-8")
    rows = [{k: (r.date.isoformat() if k == "date" else getattr(r, k)) for k in FIELDS} for r in [*existing, res]]
    rows.sort(key=lambda r: r["id"])
    tmp = base / (LIST + ".tmp")
    tmp.write_text("# The Académie's resources (python -m pipeline resources add …); see corpus/README.md\n"
                   + yaml.safe_dump(rows, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    tmp.replace(base / LIST)
    return res, doc
