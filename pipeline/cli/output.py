"""What the CLI prints for scripts: one JSON printer, so every --json output has the same form."""
from __future__ import annotations

import json


def print_json(obj) -> None:
    """Print `obj` as indented JSON, accents kept as they are."""
    print(json.dumps(obj, ensure_ascii=False, indent=2))
