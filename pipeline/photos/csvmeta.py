"""The metadata CSV of an import (`photos import FOLDER --metadata FILE.csv`), read and checked row by row.

One row per photo file, its columns the fields of model.FIELDS (format: corpus/README.md, 'Photos'). Every problem
names the row, the file and the fix."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipeline.photos.model import FIELDS, PhotoError, parse_value


@dataclass(frozen=True)
class Refusal:
    """A file (or CSV row) not imported, and why; nothing of the library was changed for it."""

    file: str
    message: str
    fix: str

    def to_json(self) -> dict:
        return {"file": self.file, "message": self.message, "fix": self.fix}


def read_metadata(path: Path, folder: Path, today: date,
                  filieres: set[str] | None = None) -> tuple[dict[str, dict], list[Refusal]]:
    """(file name -> {field: value}, refusals) from the CSV at `path`; a row naming a file that is not in `folder`,
    a bad value, a date already past or an unknown filière refuses that row (and its file) only."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PhotoError(f"{path}: cannot read the metadata CSV ({exc})",
                         fix="save it as UTF-8 CSV with a header row (columns: corpus/README.md, 'Photos')")
    unknown = [c for c in header if c not in ("file", *FIELDS)]
    if "file" not in header or unknown:
        raise PhotoError(f"{path}: " + (f"unknown column(s) {', '.join(unknown)}" if unknown else "no 'file' column"),
                         fix="use the columns file, " + ", ".join(FIELDS) + " (corpus/README.md, 'Photos')")
    out: dict[str, dict] = {}
    refused: list[Refusal] = []
    for n, row in enumerate(rows, 2):  # line 1 is the header
        name = (row.get("file") or "").strip()
        where = f"{path.name} line {n}"
        if not name:
            refused.append(Refusal(where, f"{where}: no file named", "write the photo's file name in 'file'"))
            continue
        if name in out:
            refused.append(Refusal(name, f"{where}: {name} is named twice", "keep one row per file"))
            continue
        if not (folder / name).is_file():
            refused.append(Refusal(name, f"{where}: {name} is not in {folder}",
                                   f"put {name} in {folder}, or correct the name in the CSV"))
            continue
        try:
            meta = {k: parse_value(k, v, today) for k, v in row.items() if k in FIELDS and (v or "").strip()}
        except PhotoError as exc:
            refused.append(Refusal(name, f"{where} ({name}): {exc.message}", exc.fix))
            continue
        bad = [f for f in meta.get("filieres", []) if filieres is not None and f not in filieres]
        if bad:
            refused.append(Refusal(name, f"{where} ({name}): unknown filière(s) {', '.join(bad)}",
                                   "use the ids of corpus/filieres.yaml: " + ", ".join(sorted(filieres or ()))))
            continue
        out[name] = meta
    return out, refused
