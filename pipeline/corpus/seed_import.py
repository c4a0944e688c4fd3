"""Import facts from a CSV (the seed set) into corpus/facts/<filiere>.yaml files."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import yaml

from pipeline.corpus.facts import read_csv_rows
from pipeline.errors import CorpusError

# Units that date an event rather than measure something that changes: they do not age.
TIMELESS_UNITS = {"date", "année de lancement", "année de fondation", "année de création", "année de démarrage"}
CURRENT_YEARS = 4  # a figure about year Y is taken as current until the end of Y + 4


def review_date(year: int, unit: str, verified_on: date) -> date:
    """The seed's review rule (corpus/README.md): yearly re-check, and figures older than 4 years are stale."""
    yearly = verified_on + timedelta(days=365)
    if unit.strip().lower() in TIMELESS_UNITS:
        return yearly
    return min(yearly, date(year + CURRENT_YEARS, 12, 31))


def parse_year(raw: str) -> tuple[int, str]:
    """'2024 (présumé)' -> (2024, 'présumé')."""
    m = re.match(r"^\s*(\d{4})\s*(?:\((.*)\))?\s*$", raw or "")
    if not m:
        raise CorpusError(f"year {raw!r} is not a year", fix="write the year as four digits, e.g. 2024")
    return int(m.group(1)), (m.group(2) or "").strip()


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # never write &id001 anchors: staff edit these files by hand
        return True


def _str_presenter(dumper: yaml.SafeDumper, data: str):
    style = '"' if data and (data[0] in "0123456789-" or ": " in data or data != data.strip()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _list_presenter(dumper: yaml.SafeDumper, data: list):
    flow = all(isinstance(x, str) for x in data)  # id lists on one line: [A-1, B-2]
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(list, _list_presenter)


def import_csv(csv_path: Path, corpus_dir: Path, verified_on: date, verified_by: str = "seed import",
               overwrite: bool = False) -> dict[str, int]:
    """Write one YAML file per filière from `csv_path`; return the count of facts per file."""
    needed = {"id", "filiere", "statement_fr", "value", "unit", "year", "source_title", "source_url"}
    rows = read_csv_rows(csv_path, needed, "a CSV of facts", "the CSV needs the columns " + ", ".join(sorted(needed)))
    by_filiere: dict[str, list[dict]] = {}
    for n, r in enumerate(rows, start=2):
        try:
            year, note = parse_year(r["year"])
        except CorpusError as exc:
            raise CorpusError(f"{csv_path}:{n} [{r['id']}]: {exc.message}", fix=exc.fix)
        fact = {
            "id": r["id"].strip(),
            "filiere": r["filiere"].strip(),
            "statement_fr": r["statement_fr"].strip(),
            "statement_en": (r.get("statement_en") or "").strip(),
            "value": r["value"].strip(),
            "unit": r["unit"].strip(),
            "year": year,
            "year_note": note,
            "source": {"title": r["source_title"].strip(), "url": r["source_url"].strip()},
            "verified_on": verified_on,
            "verified_by": verified_by,
            "review_by": review_date(year, r["unit"], verified_on),
            "status": "verified",
            "conflict_with": [c for c in (r.get("conflict_with") or "").split(";") if c],
            "supersedes": [],
        }
        for key in ("statement_en", "year_note"):
            if not fact[key]:
                del fact[key]
        by_filiere.setdefault(fact["filiere"], []).append(fact)
    out_dir = corpus_dir / "facts"
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for filiere, facts in sorted(by_filiere.items()):
        path = out_dir / f"{filiere}.yaml"
        if path.exists() and not overwrite:
            raise CorpusError(f"{path} already exists", fix="pass --overwrite to replace it, or import elsewhere")
        body = yaml.dump(facts, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                         default_flow_style=False)
        body = re.sub(r"\n- id:", "\n\n- id:", body)
        header = (f"# Faits — {filiere}. Format: corpus/README.md. "
                  f"Imported from {csv_path.name} on {verified_on.isoformat()}.\n\n")
        path.write_text(header + body, encoding="utf-8")
        counts[path.name] = len(facts)
    return counts
