"""Text folding shared by every room: lower case without accents, same length as the input."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case without accents, same length as the input (so spans stay valid)."""
    out = []
    for ch in text.lower():
        base = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in base if not unicodedata.combining(c))
        out.append(base if len(base) == 1 else ch)
    return "".join(out).replace("’", "'")
