"""The page catalogue (corpus/pages.yaml): what the studio drafts, for whom, from which facts, with which prompt."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PROMPTS_DIR
from pipeline.corpus.facts import Filieres, read_yaml_list
from pipeline.errors import CorpusError, QueryError

KINDS = ("page", "argumentaire", "employer_brand", "social")
LANGS = ("fr", "en")


@dataclass(frozen=True)
class Section:
    title_fr: str
    title_en: str
    query: str
    facts: int

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_fr


@dataclass(frozen=True)
class PageSpec:
    id: str
    kind: str
    audience: str
    title_fr: str
    title_en: str
    languages: tuple[str, ...]
    filieres: tuple[str, ...]
    sections: tuple[Section, ...]
    length: int
    prompt: str

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_fr

    def to_json(self) -> dict:
        return {"id": self.id, "kind": self.kind, "audience": self.audience, "title_fr": self.title_fr,
                "title_en": self.title_en, "languages": list(self.languages), "filieres": list(self.filieres),
                "sections": [s.__dict__ for s in self.sections], "length": self.length, "prompt": self.prompt}


def read_brand(corpus_dir: Path) -> str:
    """The brand voice (corpus/brand.md) every drafting prompt carries; empty when the file is absent."""
    path = corpus_dir / "brand.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_pages(corpus_dir: Path, filieres: Filieres, prompts_dir: Path = PROMPTS_DIR) -> list[PageSpec]:
    """Read and validate corpus/pages.yaml; every problem is listed with the item id and the fix."""
    path = corpus_dir / "pages.yaml"
    raw = read_yaml_list(path, "items", "see corpus/README.md, 'Pages'")
    problems, specs, seen = [], [], set()
    for n, r in enumerate(raw, 1):
        pid = str((r or {}).get("id", f"item {n}")) if isinstance(r, dict) else f"item {n}"
        if not isinstance(r, dict):
            problems.append(f"{pid}: not a mapping")
            continue
        try:
            spec = _spec(r)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"{pid}: missing or wrong field ({exc})")
            continue
        specs.append(spec)
        if spec.id in seen:
            problems.append(f"{spec.id}: duplicate id")
        seen.add(spec.id)
        if spec.kind not in KINDS:
            problems.append(f"{spec.id}: kind {spec.kind!r} is not one of {', '.join(KINDS)}")
        if not spec.languages or any(lang not in LANGS for lang in spec.languages):
            problems.append(f"{spec.id}: languages must be among {', '.join(LANGS)}")
        for f in spec.filieres:
            if f not in filieres:
                problems.append(f"{spec.id}: unknown filière {f!r} (known: {', '.join(sorted(filieres.items))})")
        if not (prompts_dir / f"{spec.prompt}.yaml").exists():
            problems.append(f"{spec.id}: prompt {spec.prompt!r} does not exist in {prompts_dir}")
        if not spec.sections:
            problems.append(f"{spec.id}: no sections")
    if problems:
        raise CorpusError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems),
                          fix="correct those items in corpus/pages.yaml (format: corpus/README.md, 'Pages')")
    return specs if specs else []


def _spec(r: dict) -> PageSpec:
    sections = tuple(Section(str(s["title_fr"]), str(s.get("title_en") or ""), str(s["query"]), int(s.get("facts", 3)))
                     for s in r["sections"])
    return PageSpec(str(r["id"]), str(r["kind"]), str(r.get("audience", "general")), str(r["title_fr"]),
                    str(r.get("title_en") or ""), tuple(r.get("languages") or LANGS), tuple(r["filieres"]), sections,
                    int(r.get("length", 150)), str(r["prompt"]))


def find_page(specs: list[PageSpec], page_id: str, lang: str | None = None) -> PageSpec:
    """The spec with this id; QueryError naming the known ids when it does not exist or lacks the language."""
    for s in specs:
        if s.id == page_id:
            if lang is not None and lang not in s.languages:
                raise QueryError(f"page {page_id!r} is not made in {lang!r} (languages: {', '.join(s.languages)})",
                                 fix="use --lang " + " or --lang ".join(s.languages))
            return s
    close = [s.id for s in specs if page_id.split("-")[0] in s.id][:8]
    raise QueryError(f"unknown page id {page_id!r}", fix="run 'python -m pipeline pages' to list them"
                     + (f"; e.g. {', '.join(close)}" if close else ""))
