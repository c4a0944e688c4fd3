"""Writes one field of one fact into its YAML file, leaving every other line as staff wrote it."""
from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from pipeline.errors import CorpusError


def _line(key: str, value: str) -> str:
    """`  key: value` with the quoting YAML needs (a colon, a quote, a leading dash…)."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=10**6, default_flow_style=False).strip()
    return f"  {dumped}\n"


def _block(text: str, fact_id: str) -> tuple[int, int]:
    m = re.search(rf"^- id: {re.escape(fact_id)}\s*$", text, re.M)
    if not m:
        raise CorpusError(f"fact {fact_id} not found", fix="check the id with 'python -m pipeline validate'")
    nxt = re.search(r"^- id: ", text[m.end():], re.M)
    return m.start(), m.end() + nxt.start() if nxt else len(text)


def set_fields(path: Path, fact_id: str, fields: dict[str, str], after: tuple[str, ...]) -> None:
    """Set each field of `fields` in the fact's block: replaced where it is, else inserted after the last of the
    `after` keys present. The file is rewritten atomically and read back: if it no longer parses, or the fact does
    not read back with the new values, the old file stays and CorpusError says why."""
    text = path.read_text(encoding="utf-8")
    start, end = _block(text, fact_id)
    block = text[start:end]
    for key, value in fields.items():
        line = _line(key, value)
        here = re.search(rf"^  {re.escape(key)}:.*\n", block, re.M)
        if here:
            block = block[:here.start()] + line + block[here.end():]
            continue
        anchor = None
        for k in after:
            anchor = re.search(rf"^  {re.escape(k)}:.*\n", block, re.M) or anchor
        pos = anchor.end() if anchor else block.index("\n") + 1
        block = block[:pos] + line + block[pos:]
    new = text[:start] + block + text[end:]
    try:
        data = yaml.safe_load(new)
        fact = next(f for f in data if isinstance(f, dict) and f.get("id") == fact_id)
        if any(str(fact.get(k)) != v for k, v in fields.items()):
            raise ValueError("the values did not read back as written")
    except (yaml.YAMLError, ValueError, StopIteration, TypeError) as exc:
        raise CorpusError(f"{path}: writing {', '.join(fields)} of {fact_id} would break the file ({exc}); "
                          "nothing was written", fix="write the field by hand, or report the text that failed")
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, path)
