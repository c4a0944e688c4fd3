"""Editions: a barometer frozen with the facts and versions behind it, and what changed since an earlier one, and why.

An edition (`barometer build --edition 2026-12`) is written once to DATA_DIR/barometer/<edition>.json: the barometer
as `barometer --json` prints it, plus each fact it shows (its value, unit, year, source, status and record hash, the
version of the fact). It is never rewritten. `barometer changes --since 2026-06 [--edition 2026-12]` compares an
edition with a later one (or with the corpus now): the home's latest figure per indicator (and the change in
per cent), its rank, and every fact of the earlier edition that changed or is no longer shown.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.barometer.build import Barometer
from pipeline.errors import BarometerError
from pipeline.types import Fact

EDITION_RE = re.compile(r"^\d{4}-\d{2}(-[a-z0-9]+)?$")
FACT_FIELDS = ("value", "unit", "year", "status", "review_by")


def editions_dir(data_dir: Path) -> Path:
    return data_dir / "barometer"


def edition_names(data_dir: Path) -> list[str]:
    """The frozen editions, oldest first."""
    return sorted(p.stem for p in editions_dir(data_dir).glob("*.json"))


def edition_doc(b: Barometer, facts: list[Fact], edition: str) -> dict[str, Any]:
    """The barometer and the version of every fact it shows (what an edition freezes)."""
    doc = b.to_json()
    used = {p.fact_id for p in b.points()} | {o.fact_id for p in b.points() for o in p.others}
    by_id = {f.id: f for f in facts}
    doc["edition"] = edition
    doc["facts"] = {i: {"value": by_id[i].value, "unit": by_id[i].unit, "year": by_id[i].year,
                        "status": by_id[i].status, "review_by": by_id[i].review_by.isoformat(),
                        "source_url": by_id[i].source.url, "record_hash": by_id[i].record_hash}
                    for i in sorted(used) if i in by_id}
    return doc


def freeze(doc: dict[str, Any], data_dir: Path) -> Path:
    """Write an edition once; BarometerError when the name is malformed or the edition exists (frozen)."""
    name = doc["edition"]
    if not EDITION_RE.match(name):
        raise BarometerError(f"edition {name!r} is not of the form YYYY-MM", fix="name it by its month, e.g. 2026-12")
    path = editions_dir(data_dir) / f"{name}.json"
    if path.exists():
        raise BarometerError(f"edition {name} already exists and is frozen ({path})",
                             fix="editions are never rewritten: give the new one another name (e.g. 2026-12-b)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def load_edition(data_dir: Path, name: str) -> dict[str, Any]:
    """A frozen edition; BarometerError naming the ones there are when it does not exist."""
    path = editions_dir(data_dir) / f"{name}.json"
    if not path.exists():
        have = ", ".join(edition_names(data_dir)) or "none yet"
        raise BarometerError(f"no barometer edition {name!r}", fix=f"editions: {have} (make one with "
                             "'python -m pipeline barometer build --edition YYYY-MM')")
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Change:
    indicator: str     # "" for a change of a fact
    kind: str          # latest | rank | fact | gone
    message: str
    facts: tuple[str, ...]
    data: dict = field(default_factory=dict, compare=False)  # the same in parts (the published page words it)

    def to_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "kind": self.kind, "message": self.message, "facts": list(self.facts),
                "data": self.data}


def _percent(old: float, new: float) -> str:
    if old == 0:
        return ""
    pct = 100.0 * (new - old) / old
    return f" ({'+' if pct >= 0 else '−'}{abs(pct):.0f} %)"


def _why(fid: str, old: dict, new: dict) -> str:
    diffs = [f"{k} {old.get(k)} → {new.get(k)}" for k in FACT_FIELDS if old.get(k) != new.get(k)]
    if old.get("source_url") != new.get("source_url"):
        diffs.append("source replaced")
    return f"fact {fid} changed: " + ("; ".join(diffs) if diffs else "its statement, wording or classification")


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """What changed from edition `old` to `new` (edition documents), each with the facts that explain it."""
    out: list[Change] = []
    since = old.get("edition", "the earlier edition")
    before = {i["id"]: i for i in old["indicators"]}
    for ind in new["indicators"]:
        prev = before.get(ind["id"])
        if prev is None:
            continue
        a, b = (prev["series"] or [None])[-1], (ind["series"] or [None])[-1]
        if a and b and (a["fact_id"], a["value"], a["year"]) != (b["fact_id"], b["value"], b["year"]):
            why = _why(b["fact_id"], old["facts"].get(a["fact_id"], {}), new["facts"].get(b["fact_id"], {})) \
                if a["fact_id"] == b["fact_id"] else f"{b['fact_id']} ({b['year']}) now leads, {a['fact_id']} " \
                f"({a['year']}) before"
            pct = _percent(a["value"], b["value"])  # one indicator's points are all in its unit (FR or EN)
            out.append(Change(ind["id"], "latest", f"{ind['name_en']}: {a['value_text']} ({a['year']}) → "
                              f"{b['value_text']} ({b['year']}){pct} since the {since} edition; {why}",
                              tuple(dict.fromkeys((a["fact_id"], b["fact_id"]))),
                              {**_names(ind), "old": a["value_text"], "old_year": a["year"], "new": b["value_text"],
                               "new_year": b["year"], "old_fact": a["fact_id"], "new_fact": b["fact_id"],
                               "pct": None if a["value"] == 0 else round(100.0 * (b["value"] - a["value"]) /
                                                                          a["value"], 1)}))
        elif a and not b:
            out.append(Change(ind["id"], "latest", f"{ind['name_en']}: no figure any more (was {a['value_text']}, "
                              f"{a['year']} [{a['fact_id']}])", (a["fact_id"],),
                              {**_names(ind), "old": a["value_text"], "old_year": a["year"], "old_fact": a["fact_id"]}))
        ca, cb = prev.get("comparison"), ind.get("comparison")
        if ca and cb and (ca["home_rank"], ca["count"]) != (cb["home_rank"], cb["count"]):
            out.append(Change(ind["id"], "rank", f"{ind['name_en']}: rank {ca['home_rank']} of {ca['count']} "
                              f"({ca['year']}) → {cb['home_rank']} of {cb['count']} ({cb['year']})",
                              tuple(r["fact_id"] for r in cb["rows"] if r["territory"] == ""),
                              {**_names(ind), "old_rank": ca["home_rank"], "old_n": ca["count"], "old_year": ca["year"],
                               "new_rank": cb["home_rank"], "new_n": cb["count"], "new_year": cb["year"]}))
    for fid, was in sorted(old["facts"].items()):
        now = new["facts"].get(fid)
        if now is None:
            out.append(Change("", "gone", f"fact {fid} is no longer shown (retired, superseded, re-tagged, or "
                              "another fact leads now)", (fid,)))
        elif now["record_hash"] != was["record_hash"]:
            out.append(Change("", "fact", _why(fid, was, now), (fid,),
                              {"fields": [k for k in FACT_FIELDS if was.get(k) != now.get(k)]
                               + (["source"] if was.get("source_url") != now.get("source_url") else []),
                               "value": [was.get("value"), now.get("value")]}))
    return out


def _names(ind: dict) -> dict[str, str]:
    return {"name_fr": ind["name_fr"], "name_en": ind["name_en"]}


def since_latest(data_dir: Path, doc_now: dict[str, Any]) -> tuple[str, list[Change]] | None:
    """The newest frozen edition's name and what changed since it to `doc_now` (an edition document of the corpus
    now), or None when no edition was frozen."""
    names = edition_names(data_dir)
    if not names:
        return None
    return names[-1], changes(load_edition(data_dir, names[-1]), doc_now)
