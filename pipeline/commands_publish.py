"""CLI: python -m pipeline publish --out DIR (being written)."""
from __future__ import annotations


def add_parser(sub) -> None:
    return None
