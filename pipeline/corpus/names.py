"""The names staff keep beside the facts: abbreviations (corpus/aliases.yaml) and English→French words (glossary)."""
from __future__ import annotations

from pathlib import Path

import yaml

from pipeline.textnorm import fold


def load_aliases(corpus_dir: Path) -> dict[str, list[str]]:
    """corpus/aliases.yaml: abbreviation -> the words the facts use."""
    path = corpus_dir / "aliases.yaml"
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): [str(x) for x in v] for k, v in raw.items()}


def load_glossary(corpus_dir: Path) -> dict[str, set[str]]:
    """corpus/glossary_en_fr.yaml: English word -> stems of the French words facts use."""
    path = corpus_dir / "glossary_en_fr.yaml"
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {fold(str(k)): {fold(str(w))[:5] for w in v} for k, v in raw.items()}
