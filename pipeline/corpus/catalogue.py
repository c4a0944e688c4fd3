"""The page catalogue (corpus/pages.yaml): what the studio drafts, for whom, from which facts, with which prompt."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import PROMPTS_DIR
from pipeline.corpus.facts import Filieres, fold, read_yaml_list
from pipeline.errors import CorpusError, QueryError

KINDS = ("page", "argumentaire", "employer_brand", "social", "video")
DURATIONS = (15, 30, 60)  # seconds a short video may last (kind video); each section of one is a shot
LANGS = ("fr", "en")


@dataclass(frozen=True)
class Section:
    title_fr: str
    title_en: str
    query: str
    facts: int
    shot_fr: str = ""  # kind video: what the crew films for this shot, written by staff (never generated)
    shot_en: str = ""

    def title(self, lang: str) -> str:
        """The heading readers see in `lang` (load_pages makes sure it is written for every language of the page)."""
        return self.title_en if lang == "en" else self.title_fr

    def shot(self, lang: str) -> str:
        return self.shot_en if lang == "en" else self.shot_fr

    def to_json(self) -> dict:
        """As it enters the page's hash: the shot fields only when set, so other items keep their hash."""
        d = {"title_fr": self.title_fr, "title_en": self.title_en, "query": self.query, "facts": self.facts}
        return d | ({"shot_fr": self.shot_fr, "shot_en": self.shot_en} if self.shot_fr or self.shot_en else {})


@dataclass(frozen=True)
class PhotoRequest:
    """The photos an item asks for (`photos:` in pages.yaml): named by id, or `count` photos of a filière with
    every one of `tags`. Drafting takes only photos whose rights hold and whose alt text is reviewed in the
    draft's language (pipeline/photos/pick.py)."""

    ids: tuple[str, ...] = ()
    filiere: str = ""
    tags: tuple[str, ...] = ()
    count: int = 0

    def to_json(self) -> dict:
        if self.ids:
            return {"ids": list(self.ids)}
        return {"filiere": self.filiere, "tags": list(self.tags), "count": self.count}


MAX_PHOTOS = 6  # photos one item may ask for


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
    duration: int = 0  # kind video: the target length in seconds (one of DURATIONS)
    photos: PhotoRequest | None = None  # the photos it asks for, if any

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_fr

    def to_json(self) -> dict:
        d = {"id": self.id, "kind": self.kind, "audience": self.audience, "title_fr": self.title_fr,
             "title_en": self.title_en, "languages": list(self.languages), "filieres": list(self.filieres),
             "sections": [s.to_json() for s in self.sections], "length": self.length, "prompt": self.prompt}
        d |= {"duration": self.duration} if self.duration else {}  # other items keep their hash
        return d | ({"photos": self.photos.to_json()} if self.photos else {})


def read_brand(corpus_dir: Path) -> str:
    """The brand voice (corpus/brand.md) every drafting prompt carries; empty when the file is absent."""
    path = corpus_dir / "brand.md"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def load_pages(corpus_dir: Path, filieres: Filieres, prompts_dir: Path = PROMPTS_DIR,
               check_titles: bool = True) -> list[PageSpec]:
    """Read and validate corpus/pages.yaml; every problem is listed with the item id and the fix. `check_titles=False`
    lets a command that only reads stored drafts (status, publish) open a catalogue whose headings are not written
    yet; drafting refuses such an item anyway (title_problems)."""
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
        if spec.kind == "video":
            problems += video_problems(spec)
        if spec.photos:
            problems += photo_problems(spec, filieres)
        if check_titles:
            problems += title_problems(spec)
    if problems:
        raise CorpusError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems),
                          fix="correct those items in corpus/pages.yaml (format: corpus/README.md, 'Pages')")
    return specs if specs else []


def video_problems(spec: PageSpec) -> list[str]:
    """A short video: a duration the studio knows how to time, 3 to 6 shots, each with what the crew films."""
    out = []
    if spec.duration not in DURATIONS:
        out.append(f"{spec.id}: duration {spec.duration or 'missing'} — fix: give 'duration:' one of "
                   f"{', '.join(map(str, DURATIONS))} (seconds)")
    if not 3 <= len(spec.sections) <= 6:
        out.append(f"{spec.id}: {len(spec.sections)} shot(s) — fix: give a video 3 to 6 sections (one per shot)")
    for n, sec in enumerate(spec.sections, 1):
        for lang in spec.languages:
            if not sec.shot(lang).strip():
                out.append(f"{spec.id}, shot {n}: no shot_{lang} — fix: write what the crew films in shot_{lang}")
    return out


def photo_problems(spec: PageSpec, filieres: Filieres) -> list[str]:
    req = spec.photos
    out = []
    if len(req.ids) > MAX_PHOTOS or (not req.ids and not 1 <= req.count <= MAX_PHOTOS):
        out.append(f"{spec.id}: photos asks for {len(req.ids) or req.count} — fix: name or ask for 1 to {MAX_PHOTOS}")
    if req.filiere and req.filiere not in filieres:
        out.append(f"{spec.id}: photos filière {req.filiere!r} is unknown — fix: use an id of corpus/filieres.yaml")
    return out


def _photos(raw) -> PhotoRequest | None:
    """`photos: [ph-…, …]` or `photos: {filiere: …, tags: […], count: N}` (TypeError/ValueError when neither)."""
    if raw is None:
        return None
    if isinstance(raw, list):
        return PhotoRequest(ids=tuple(str(i) for i in raw))
    if isinstance(raw, dict):
        unknown = set(raw) - {"filiere", "tags", "count"}
        if unknown:
            raise ValueError(f"photos: unknown key(s) {', '.join(sorted(unknown))}; use filiere, tags, count")
        return PhotoRequest(filiere=str(raw.get("filiere") or ""), tags=tuple(str(t) for t in raw.get("tags") or ()),
                            count=int(raw.get("count", 1)))
    raise TypeError("photos: give a list of photo ids or {filiere, tags, count}")


def _words(text: str) -> list[str]:
    """The words of a title or query, lower-case and without accents."""
    return re.findall(r"\w+", fold(text))


def title_problems(spec: PageSpec) -> list[str]:
    """Titles readers will see: written in every language the page lists, and never the retrieval query itself."""
    out = []
    for lang in spec.languages:
        if lang in LANGS and not spec.title(lang).strip():
            out.append(f"{spec.id}: no title_{lang} (the page is made in {lang}) — fix: write the page's title in "
                       f"title_{lang}")
    for n, sec in enumerate(spec.sections, 1):
        name = f"{spec.id}, section {n} ({(sec.title_fr or sec.title_en or sec.query)!r})"
        for lang in spec.languages:
            title = sec.title(lang) if lang in LANGS else "x"
            if not title.strip():
                out.append(f"{name}: no title_{lang} although the page is made in {lang} — fix: write its heading "
                           f"for readers in title_{lang}")
            elif set(_words(title)) == set(_words(sec.query)):  # the query's words, in any order or case
                out.append(f"{name}: title_{lang} {title!r} is the retrieval query — fix: write a heading for "
                           f"readers in title_{lang} (e.g. 'Airbus Helicopters, premier employeur de Marignane' "
                           f"rather than 'Airbus Helicopters emplois Marignane'); the query stays in 'query'")
    return out


def _spec(r: dict) -> PageSpec:
    sections = tuple(Section(str(s.get("title_fr") or "").strip(), str(s.get("title_en") or "").strip(), str(s["query"]),
                             int(s.get("facts", 3)), str(s.get("shot_fr") or "").strip(),
                             str(s.get("shot_en") or "").strip()) for s in r["sections"])
    return PageSpec(str(r["id"]), str(r["kind"]), str(r.get("audience", "general")), str(r.get("title_fr") or ""),
                    str(r.get("title_en") or ""), tuple(r.get("languages") or LANGS), tuple(r["filieres"]), sections,
                    int(r.get("length", 150)), str(r["prompt"]), int(r.get("duration") or 0), _photos(r.get("photos")))


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
