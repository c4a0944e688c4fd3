"""Lexical search: BM25 over French-stemmed, accent-folded tokens (numbers normalised)."""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Sequence

import snowballstemmer

STOPWORDS = set("""
a à au aux avec ce ces cet cette dans de des du elle en est et il ils la le les leur lui mais me même
ne ni nos notre on ou où par pas pour qu que qui sa se ses son sont sur ta te tes ton tu un une vos votre
y été être avoir a ont l d s n c qu j combien quel quelle quels quelles quoi comment est-ce selon plus
the of and or to in on at for by with from is are was were be been has have had do does did what which
who whom how many much when where why this that these those it its as an there their about
""".split())

_DIGIT_GROUPS = re.compile(r"(?<=\d)[\s\u00a0\u202f](?=\d{3}\b)")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_TOKEN = re.compile(r"[^\W_]+(?:\.\d+)?", re.UNICODE)
_stemmer = snowballstemmer.stemmer("french")


def _fold(token: str) -> str:
    norm = unicodedata.normalize("NFKD", token)
    return "".join(c for c in norm if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def _normal(token: str) -> str:
    if token[0].isdigit():
        return token
    return _fold(_stemmer.stemWord(token))


_FR_HINTS = set("le la les des du de un une est sont à au aux et en dans pour par sur avec combien quel quelle "
                "quels quelles qui que où comment ont été sa son ses leur depuis chez entre".split())
_EN_HINTS = set("the of and is are was were in on at for by with how many much what which who when where "
                "does do did has have been its their since between".split())


def detect_lang(text: str) -> str:
    """'fr' or 'en', from function words (ties go to French, the corpus language)."""
    words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ']+", text.lower())
    fr = sum(w in _FR_HINTS or bool(re.match(r"^(l|d|qu|c|j|n|s|m|t)'", w)) for w in words)
    en = sum(w in _EN_HINTS or w.endswith("'s") for w in words)
    return "en" if en > fr else "fr"


def analyze(text: str) -> list[str]:
    """Tokens of `text` as the lexical index sees them."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    text = _DIGIT_GROUPS.sub("", text)
    text = _DECIMAL_COMMA.sub(".", text)
    return [_normal(t) for t in _TOKEN.findall(text) if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]


class BM25:
    """Okapi BM25 over a fixed set of documents, with an inverted index."""

    def __init__(self, ids: Sequence[str], texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.ids = list(ids)
        self.k1, self.b = k1, b
        self.postings: dict[str, list[tuple[int, int]]] = {}
        self.lengths: list[int] = []
        for i, text in enumerate(texts):
            tokens = analyze(text)
            self.lengths.append(len(tokens))
            for tok, tf in Counter(tokens).items():
                self.postings.setdefault(tok, []).append((i, tf))
        n = max(len(self.ids), 1)
        self.avg_len = (sum(self.lengths) / n) or 1.0
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """The `n` best (id, score) pairs, best first; documents sharing no term are left out."""
        scores: dict[int, float] = {}
        k1, b, avg = self.k1, self.b, self.avg_len
        for tok in set(analyze(query)):
            idf = self.idf.get(tok)
            if idf is None:
                continue
            for doc, tf in self.postings[tok]:
                norm = k1 * (1 - b + b * self.lengths[doc] / avg)
                scores[doc] = scores.get(doc, 0.0) + idf * tf * (k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:n]
        return [(self.ids[d], s) for d, s in best]
