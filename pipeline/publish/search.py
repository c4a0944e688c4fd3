"""The site's search: what the box on every page finds, in the page's language, and the files it needs.

What is found: the published facts (each to its card, `fr/faits/maritime.html#MAR-001`), the approved pages, the fact
base's pages, the documents to download and the Académie's resources. The index is built here, at publish time, in
parts a query loads alone (search_index.py); its words are read by search_terms.js with lunr 2.3.9's and
lunr-languages 1.22.0's French stop words and stemmers, the same script in V8 here and in the browser for a query.
Every file is a script loaded by a `<script>` tag (assets/search.js), never fetched: browsers refuse fetch() and
WebAssembly from a page opened from disk (file://), which is why Pagefind's index is not used (bench/README.md,
issue 16). The library files are vendored in pipeline/publish/vendor/ with their licences (MIT, MPL-1.1) and copied
into the site as they are: publishing needs neither Node nor the network.

The records are data, not markup: the script writes every text with textContent."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import lxml.html

from pipeline.publish.fact_changes import WORDS as CHANGE_WORDS
from pipeline.publish.fact_changes import changes_path
from pipeline.publish.facts_pages import WORDS as FACT_WORDS
from pipeline.publish.facts_pages import FactBase, public_text
from pipeline.publish.layout import LANGS, agency_name, facts_index_path, facts_path
from pipeline.publish.render import plain_text
from pipeline.publish.search_index import Doc, index_files

HERE = Path(__file__).parent
SCRIPT = "assets/search.js"
TERMS_SCRIPT = "assets/search-terms.js"
VENDOR = HERE / "vendor"
VENDORED = ("lunr.min.js", "lunr.stemmer.support.js", "lunr.fr.js", "LICENSE-lunr.txt", "LICENSE-lunr-languages.txt")
TEXT_LIMIT = 4000   # characters of a page's text indexed (its opening; the title is always indexed)
SNIPPET = 160


@dataclass(frozen=True)
class Record:
    """One thing the search can find: kind (fact | page | doc | resource | facts), title, text, address."""

    kind: str
    title: str
    text: str
    url: str            # from the site's root
    snippet: str = ""
    name: str = ""      # an exact name searched with a high weight (a fact's id)


def snippet(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class FactRow:
    """A fact as the index holds it, in columns (a source title or filière named once per file, the address built
    from the filière and the id): id, public text in the page's language, figure, year, source title, filière."""

    id: str
    text: str
    figure: str
    year: int
    source: str
    filiere: str
    label: str


def fact_records(base: FactBase, lang: str, filiere_labels: dict[str, str]) -> list[FactRow]:
    """Every published fact: its public text in the page's language (shown), figure, year, source, filière."""
    return [FactRow(f.id, public_text(f, lang)[0], " ".join(x for x in (f.value, f.unit) if x), f.year,
                    f.source.title, f.filiere, filiere_labels.get(f.filiere, f.filiere)) for f in base.facts]


def facts_pages_records(base: FactBase, lang: str, filiere_labels: dict[str, str]) -> list[Record]:
    """The fact base's own pages: its index, one per filière, what changed."""
    w = FACT_WORDS[lang]
    out = [Record("facts", w["centre"], w["intro"].format(a=agency_name()), facts_index_path(lang))]
    for fid in base.filieres(list(filiere_labels)):
        label = filiere_labels.get(fid, fid)
        out.append(Record("facts", f"{w['title']} — {label}", label, facts_path(lang, fid)))
    out.append(Record("facts", CHANGE_WORDS[lang]["title"], CHANGE_WORDS[lang]["link"], changes_path(lang)))
    return out


def html_record(path: str, html_text: str, kind: str = "barometer") -> Record:
    """A page written as HTML by publish itself (the barometer's): found by its heading and its main text, as shown."""
    doc = lxml.html.fromstring(html_text)
    title = " ".join(doc.xpath("string(//h1)").split()) or " ".join(doc.xpath("string(//title)").split())
    main = doc.xpath("//main")
    text = " ".join((main[0] if main else doc).text_content().split())
    if text.startswith(title):
        text = text[len(title):].lstrip()
    return Record(kind, title, text[:TEXT_LIMIT], path)


def searched_html(rel_path: str) -> bool:
    """Pages publish writes from data rather than from a record above, which the search also finds."""
    return "/barometre/" in rel_path


def page_record(title: str, text: str, path: str) -> Record:
    body = plain_text(text)
    return Record("page", title, body[:TEXT_LIMIT], path)  # the snippet shown is the text's opening


def docs(records: list, lang: str) -> list[Doc]:
    """The index's records: a fact shows its id, figure, year, source and filière under its wording, and is found by
    them too; any other record shows its snippet (or its text's opening)."""
    out = []
    for r in records:
        if isinstance(r, FactRow):
            body = " · ".join(str(x) for x in (r.id, r.figure, r.year, r.source, r.label) if x)
            out.append(Doc("fact", r.text, f"{facts_path(lang, r.filiere)}#{r.id}", snippet(body), body, r.id))
        else:
            out.append(Doc(r.kind, r.title, r.url, r.snippet or snippet(r.text), r.text, r.name))
    return out


def search_files(records: dict[str, list]) -> list[tuple[str, str]]:
    """(path, content) of every file the search needs: the box's script, the script that reads words (shared with
    publish), the vendored library, and each language's index in parts (search_index.py)."""
    out = [(SCRIPT, (HERE / "search.js").read_text(encoding="utf-8")),
           (TERMS_SCRIPT, (HERE / "search_terms.js").read_text(encoding="utf-8"))]
    out += [(f"assets/vendor/{name}", (VENDOR / name).read_text(encoding="utf-8")) for name in VENDORED]
    for lang in LANGS:
        out += index_files(docs(records.get(lang, []), lang), lang)
    return out


def site_records(pages, fact_base: FactBase | None, downloads, filiere_labels: dict[str, dict[str, str]],
                 extra: dict[str, list[Record]] | None = None) -> dict[str, list]:
    """Every record of the site per language: the facts first (a figure is what people look for), then the pages,
    the fact-base pages, the documents and `extra` (the Académie's resources, the barometer's pages)."""
    out: dict[str, list] = {}
    for lang in LANGS:
        labels = filiere_labels.get(lang, {})
        recs: list = []
        if fact_base is not None and fact_base.facts:
            recs += fact_records(fact_base, lang, labels)
        recs += [page_record(p.title, p.text, p.html_path) for p in pages if p.lang == lang]
        if fact_base is not None and fact_base.facts:
            recs += facts_pages_records(fact_base, lang, labels)
        recs += [Record("doc", d.title, f"{d.title} {d.format.upper()}", d.path) for d in downloads if d.lang == lang]
        recs += (extra or {}).get(lang, [])
        out[lang] = recs
    return out
