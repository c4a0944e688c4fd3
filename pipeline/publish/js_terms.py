"""The search's terms, read in V8 by the very script the browser reads a query with.

search_terms.js, on the vendored lunr stemmers, run through mini-racer: the index and the queries can never read a
word differently. The one place publish runs JavaScript; nothing else here knows mini-racer."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pipeline.errors import PublishError

HERE = Path(__file__).parent
# loaded in this order, in the browser as here
SCRIPTS = (HERE / "vendor" / "lunr.min.js", HERE / "vendor" / "lunr.stemmer.support.js", HERE / "vendor" / "lunr.fr.js",
           HERE / "search_terms.js")
BATCH = 2000  # texts per call: each call's JSON stays a few megabytes


class TermReader:
    """search_terms.js's STUDIO_TERMS, called from Python."""

    def __init__(self) -> None:
        try:
            from py_mini_racer import MiniRacer
        except ImportError as exc:  # pragma: no cover - the requirement is pinned
            raise PublishError("publish needs mini-racer to build the site's search index",
                               fix="run `make install` (requirements.txt pins it)") from exc
        self._js = MiniRacer()
        self._js.eval("var window = this;")
        for script in SCRIPTS:
            self._js.eval(script.read_text(encoding="utf-8"))

    def texts(self, texts: list[str], lang: str) -> list[list[str]]:
        """The index's terms of each text (search_terms.js's ofTexts)."""
        out: list[list[str]] = []
        for start in range(0, len(texts), BATCH):
            out += json.loads(self._js.eval(
                f"JSON.stringify(STUDIO_TERMS.ofTexts({json.dumps(texts[start:start + BATCH])}, {json.dumps(lang)}))"))
        return out

    def query(self, query: str, lang: str) -> list[dict]:
        """A query's words as the browser reads them (for the tests): term, folded, stop."""
        return json.loads(self._js.eval(f"JSON.stringify(STUDIO_TERMS.ofQuery({json.dumps(query)}, {json.dumps(lang)}))"))

    def parts(self, terms: list[str]) -> list[str]:
        """The part of the index each term is written in."""
        return json.loads(self._js.eval(f"JSON.stringify(STUDIO_TERMS.parts({json.dumps(terms)}))"))


@lru_cache(maxsize=1)
def term_reader() -> TermReader:
    """One V8 context per process: loading the scripts takes ~0.1 s."""
    return TermReader()
