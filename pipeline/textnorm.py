"""Text folding shared by every room: lower case without accents, same length as the input."""
from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=None)
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)
    base = "".join(c for c in base if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower case without accents, same length as the input (so spans stay valid).

    Pure, so cached: the checker folds the same fact texts for every sentence that cites them.
    """
    return "".join(map(_fold_char, text.lower())).replace("’", "'")
