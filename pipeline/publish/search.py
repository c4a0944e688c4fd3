"""The site's search: what the box on every page finds, in the page's language, and the files it needs.

The index is built in the reader's browser by lunr.js 2.3.9 with lunr-languages 1.22.0 (French stop words and
Snowball stemmer, accents folded), from `search/<lang>.js`: the published facts (each to its card,
`fr/faits/maritime.html#MAR-001`), the approved pages, the fact-base pages, the documents to download and the
Académie's resources. Every file is a script loaded by a `<script>` tag (assets/search.js, assets/vendor/), never
fetched: browsers refuse fetch() and WebAssembly from a page opened from disk (file://), which is why Pagefind's index
is not used (bench/README.md, issue 16). The library files are vendored in pipeline/publish/vendor/ with their
licences (MIT, MPL-1.1) and copied into the site as they are: publishing needs neither Node nor the network.

The records are data, not markup: the script writes every text with textContent."""
from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.publish.fact_changes import WORDS as CHANGE_WORDS
from pipeline.publish.fact_changes import changes_path
from pipeline.publish.facts_pages import WORDS as FACT_WORDS
from pipeline.publish.facts_pages import FactBase, public_text
from pipeline.publish.layout import LANGS, agency_name, facts_index_path, facts_path
from pipeline.publish.render import plain_text

HERE = Path(__file__).parent
SCRIPT = "assets/search.js"
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

    def to_json(self) -> dict:
        out = {"k": self.kind, "t": self.title, "b": self.text, "u": self.url}
        if self.snippet:
            out["s"] = self.snippet
        if self.name:
            out["n"] = self.name.replace("-", "")  # MAR-001 is one word, mar001, as search.js reads a query
        return out


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


def page_record(title: str, text: str, path: str) -> Record:
    body = plain_text(text)
    return Record("page", title, body[:TEXT_LIMIT], path)  # the snippet shown is the text's opening


def pack(records: list) -> dict:
    """The index's payload: the facts in columns (FactRow), every other record as a row."""
    facts = [r for r in records if isinstance(r, FactRow)]
    sources = list(dict.fromkeys(r.source for r in facts))
    filieres = list(dict.fromkeys((r.filiere, r.label) for r in facts))
    si, fi = {s: n for n, s in enumerate(sources)}, {f: n for n, f in enumerate(filieres)}
    return {"src": sources, "fil": [list(f) for f in filieres],
            "facts": [[r.id, r.text, r.figure, r.year, si[r.source], fi[(r.filiere, r.label)]] for r in facts],
            "rows": [r.to_json() for r in records if not isinstance(r, FactRow)]}


def unpack(payload: dict, lang: str) -> list[dict]:
    """The records as search.js makes them from the payload (its `expand`), for the tests and the bench."""
    out = []
    for fid, text, figure, year, s, f in payload["facts"]:
        fil, label = payload["fil"][f]
        body = " · ".join(str(x) for x in (fid, figure, year, payload["src"][s], label) if x)
        out.append({"k": "fact", "t": text, "b": body, "u": f"{facts_path(lang, fil)}#{fid}",
                    "n": fid.replace("-", "")})
    return out + payload["rows"]


def search_data(records: list, lang: str) -> str:
    """search/<lang>.js: a script assigning one string, the payload's JSON gzip'd then base64'd (a third of the bytes
    to load, from a server that compresses nothing or from disk; search.js inflates it with the browser's
    DecompressionStream). mtime 0: the same records give the same bytes."""
    data = json.dumps(pack(records), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")
    return ("window.STUDIO_SEARCH = window.STUDIO_SEARCH || {};\n"
            f"window.STUDIO_SEARCH[{json.dumps(lang)}] = \"{packed}\";\n")


def read_search_data(text: str, lang: str) -> list[dict]:
    """The records of a search/<lang>.js, as the browser sees them."""
    packed = text.rsplit(" = ", 1)[1].strip().rstrip(";").strip('"')
    return unpack(json.loads(gzip.decompress(base64.b64decode(packed)).decode("utf-8")), lang)


def search_files(records: dict[str, list[Record]]) -> list[tuple[str, str]]:
    """(path, content) of every file the search needs: the script, the vendored library, one index per language."""
    out = [(SCRIPT, (HERE / "search.js").read_text(encoding="utf-8"))]
    out += [(f"assets/vendor/{name}", (VENDOR / name).read_text(encoding="utf-8")) for name in VENDORED]
    out += [(f"search/{lang}.js", search_data(records.get(lang, []), lang)) for lang in LANGS]
    return out


def site_records(pages, fact_base: FactBase | None, downloads, filiere_labels: dict[str, dict[str, str]],
                 extra: dict[str, list[Record]] | None = None) -> dict[str, list]:
    """Every record of the site per language: the facts first (a figure is what people look for), then the pages,
    the fact-base pages, the documents and `extra` (the Académie's resources)."""
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
