"""The site's search index, written in parts so that a query loads only what it needs.

Pagefind's and Stork's way, with <script> files instead of fetch() so that it also works from disk:

- `search/<lang>/meta.js`: how many records, how many per block, which term parts exist;
- `search/<lang>/t/<xx>.js`: every term starting with `xx` (search_terms.js's `part`), each with its records and their
  scores (BM25 over three fields, as lunr scores them: a fact's id ×6, title ×3, text ×1; in hundredths);
- `search/<lang>/d/<n>.js`: the records `n×BLOCK … n×BLOCK+BLOCK-1` as shown in the results (kind, title, address,
  snippet), loaded only for the results drawn.

Each file calls `STUDIO_SEARCH_PART(name, payload)`, the payload JSON gzip'd then base64'd (a third of the bytes, from
disk or from a server that compresses nothing; the browser inflates it with DecompressionStream). The terms are read by
search_terms.js itself, run in V8 (js_terms.py), the same script the browser reads a query with. gzip's mtime is 0:
the same records give the same bytes."""
from __future__ import annotations

import base64
import gzip
import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.publish.js_terms import TermReader, term_reader

BLOCK = 100                              # records per display block
FIELDS = (("n", 6.0), ("t", 3.0), ("b", 1.0))  # a fact's id, the title (a fact's wording), the text
K1, B = 1.2, 0.75                        # lunr's BM25 parameters
SCALE = 100                              # scores are written in hundredths
CALL = "STUDIO_SEARCH_PART"


@dataclass(frozen=True)
class Doc:
    """One record of the index: what is searched (name, title, text) and what a result shows (kind, title, url,
    snippet)."""

    kind: str
    title: str
    url: str
    snippet: str
    text: str = ""
    name: str = ""

    def shown(self) -> list[str]:
        return [self.kind, self.title, self.url, self.snippet]

    def field(self, key: str) -> str:
        return {"n": self.name, "t": self.title, "b": self.text}[key]


def scores(docs: list[Doc], lang: str, reader: TermReader | None = None) -> dict[str, dict[int, int]]:
    """term → {record number: score in hundredths}: BM25 per field (k1 1.2, b 0.75, lunr's idf over every field's
    postings), times the field's boost, summed over the fields."""
    reader = reader or term_reader()
    per_field: dict[str, list[Counter]] = {}
    for key, _ in FIELDS:
        per_field[key] = [Counter(t) for t in reader.texts([d.field(key) for d in docs], lang)]
    postings = Counter()
    for counts in per_field.values():
        for c in counts:
            postings.update(c.keys())
    n = max(len(docs), 1)
    idf = {t: math.log(1 + abs(n - df + 0.5) / (df + 0.5)) for t, df in postings.items()}
    out: dict[str, dict[int, float]] = {}
    for key, boost in FIELDS:
        counts = per_field[key]
        lengths = [sum(c.values()) for c in counts]
        avg = (sum(lengths) / len(lengths)) if lengths and sum(lengths) else 1.0
        for i, c in enumerate(counts):
            norm = K1 * (1 - B + B * lengths[i] / avg)
            for term, tf in c.items():
                by = out.get(term)
                if by is None:
                    by = out[term] = {}
                by[i] = by.get(i, 0.0) + boost * idf[term] * tf * (K1 + 1) / (tf + norm)
    return {t: {i: max(1, round(by[i] * SCALE)) for i in sorted(by)} for t, by in out.items()}


def packed(payload) -> str:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(data, compresslevel=9, mtime=0)).decode("ascii")


def part_file(name: str, payload) -> str:
    return f"{CALL}({json.dumps(name)}, \"{packed(payload)}\");\n"


def index_files(docs: list[Doc], lang: str, reader: TermReader | None = None) -> list[tuple[str, str]]:
    """(path, content) of the language's index files, from the site's root."""
    reader = reader or term_reader()
    by_term = scores(docs, lang, reader)
    terms = sorted(by_term)
    parts: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for term, key in zip(terms, reader.parts(terms)):
        flat: list[int] = []
        for i, s in by_term[term].items():
            flat += [i, s]
        parts[key][term] = flat
    out = [(f"search/{lang}/t/{key}.js", part_file(f"{lang}/t/{key}", parts[key])) for key in sorted(parts)]
    out += [(f"search/{lang}/d/{n}.js", part_file(f"{lang}/d/{n}", [d.shown() for d in docs[start:start + BLOCK]]))
            for n, start in enumerate(range(0, len(docs), BLOCK))]
    meta = {"docs": len(docs), "block": BLOCK, "parts": sorted(parts)}
    out.insert(0, (f"search/{lang}/meta.js", part_file(f"{lang}/meta", meta)))
    return out


def read_part(text: str):
    """A part file's payload, as the browser reads it."""
    return json.loads(gzip.decompress(base64.b64decode(text.rsplit(", ", 1)[1].strip().rstrip(");").strip('"'))))


def read_index(site: Path, lang: str) -> tuple[dict, list[dict], dict[str, dict[str, list[int]]]]:
    """A published site's index for one language: meta, the records shown (k, t, u, s), term → flat postings."""
    folder = site / "search" / lang
    meta = read_part((folder / "meta.js").read_text(encoding="utf-8"))
    shown = []
    for n in range(math.ceil(meta["docs"] / meta["block"])):
        shown += [dict(zip("ktus", row)) for row in read_part((folder / "d" / f"{n}.js").read_text(encoding="utf-8"))]
    terms: dict[str, list[int]] = {}
    for key in meta["parts"]:
        terms.update(read_part((folder / "t" / f"{key}.js").read_text(encoding="utf-8")))
    return meta, shown, terms
