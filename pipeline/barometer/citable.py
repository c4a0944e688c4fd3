"""Citable results: the barometer's ranks and changes written as derived facts drafts may cite.

`python -m pipeline barometer cite` writes corpus/facts/barometre.yaml (machine-owned: rewritten whole): for each
indicator with a comparison that places the home, its rank ("2e sur 7 territoires comparés pour les passagers de
l'aéroport en 2024"), and for each home series of two years or more, the change between its last two points ("+28,3 %
entre 2022 et 2024"). Each is a verified home fact (status verified, verified by "barometer (computed)") whose
source is the barometer's published page, whose `derived_from` lists every fact it was computed from with the content
hash it had then, and whose review date is the earliest of theirs (corpus/derived.py keeps it so on load, and marks it
due for review when one of them changes). A result keeps its id from one run to the next (`notes` holds its key);
one that no longer holds (the home is no longer placed) is retired, never deleted: drafts may cite it.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from pipeline.barometer.build import Barometer
from pipeline.barometer.model import IndicatorReport
from pipeline.barometer.words import figure, ordinal
from pipeline.errors import BarometerError
from pipeline.types import Fact

FILE = "barometre.yaml"
PREFIX = "BAR"
VERIFIED_BY = "barometer (computed)"
KEY = re.compile(r"^barometer: (rank|change) ([a-z0-9_]+)$")


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:  # one date shared by every row is written out each time, not &id001
        return True


def _rank_fact(b: Barometer, r: IndicatorReport, facts: dict[str, Fact], site: str) -> dict[str, Any] | None:
    c, ind = r.comparison, r.indicator
    if c is None or not c.home_rank:
        return None
    used = [x.point.fact_id for x in c.rows]
    n = len(c.rows)
    home_fr, home_en = b.home_name, (b.territories.label("", "en") if b.territories else b.home_name)
    fr = (f"{home_fr} est {ordinal(c.home_rank, 'fr')} sur {n} territoires comparés pour « {ind.name_fr} » en "
          f"{c.year}, selon le baromètre de l'attractivité de l'agence (chiffres vérifiés, même périmètre).")
    en = (f"{home_en} ranks {ordinal(c.home_rank, 'en')} of {n} territories compared for “{ind.name_en}” in "
          f"{c.year}, according to the agency's attractiveness barometer (verified figures, same perimeter).")
    return _fact(f"rank {ind.id}", fr, en, str(c.home_rank), "rang", c.year, used, facts, site, ind.id,
                 f"Baromètre de l'attractivité — {ind.name_fr}")


def _change_fact(b: Barometer, r: IndicatorReport, facts: dict[str, Fact], site: str) -> dict[str, Any] | None:
    if len(r.series) < 2 or r.series[-2].value == 0:
        return None
    a, z, ind = r.series[-2], r.series[-1], r.indicator
    pct = round(100.0 * (z.value - a.value) / a.value, 1)
    sign = "+" if pct >= 0 else "−"
    value = f"{abs(pct):.1f}".replace(".", ",")
    fr = (f"{b.home_name}, {_lower(ind.name_fr)} : {sign}{value} % entre {a.year} et {z.year} "
          f"({figure(a.value_text, 'fr')} puis {figure(z.value_text, 'fr')} {ind.unit_fr or ind.unit}), selon le "
          "baromètre de l'attractivité de l'agence.")
    en = (f"{b.home_name}, {_lower(ind.name_en)}: {sign}{abs(pct):.1f}% between {a.year} and {z.year} "
          f"({figure(a.value_text, 'en')} then {figure(z.value_text, 'en')} {ind.unit}), according to the agency's "
          "attractiveness barometer.")
    return _fact(f"change {ind.id}", fr, en, ("-" if pct < 0 else "") + value, "%", z.year,
                 [a.fact_id, z.fact_id], facts, site, ind.id, f"Baromètre de l'attractivité — {ind.name_fr}")


def _lower(name: str) -> str:
    """"Trafic du port" -> "trafic du port" inside a sentence; "ICCA…" stays."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _fact(key: str, fr: str, en: str, value: str, unit: str, year: int, used: list[str], facts: dict[str, Fact],
          site: str, indicator: str, title: str) -> dict[str, Any]:
    inputs = [facts[i] for i in dict.fromkeys(used)]
    return {"filiere": "territoire", "statement_fr": fr, "statement_en": en, "wording_fr": fr, "wording_en": en,
            "wording_status": "draft", "value": value, "unit": unit, "year": year,
            "source": {"title": title, "url": f"{site.rstrip('/')}/fr/barometre/{indicator}.html", "primary": True},
            "review_by": min(f.review_by for f in inputs),
            "derived_from": {f.id: f.content_hash for f in inputs}, "notes": f"barometer: {key}"}


def citable(b: Barometer, facts: list[Fact], site_url: str) -> list[dict[str, Any]]:
    """The results the barometer can state as facts today (without id, dates of verification or status)."""
    if not re.match(r"^https?://\S+$", site_url or ""):
        raise BarometerError("a citable result needs the published barometer's address as its source",
                             fix="pass --site-url https://… (or set STUDIO_SITE_URL) to the public site's address")
    by_id = {f.id: f for f in facts}
    out = []
    for r in b.indicators:
        for make in (_rank_fact, _change_fact):
            fact = make(b, r, by_id, site_url)
            if fact:
                out.append(fact)
    return out


def write_citable(corpus_dir: Path, b: Barometer, facts: list[Fact], site_url: str, today: date
                  ) -> dict[str, list[str]]:
    """Rewrite corpus/facts/barometre.yaml: each result under its id (kept from the file), new ones numbered after,
    those no longer computed retired. Returns {"added", "changed", "kept", "retired"} fact ids."""
    path = corpus_dir / "facts" / FILE
    old = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else []
    old = old or []
    by_key = {o["notes"]: o for o in old if isinstance(o, dict) and KEY.match(str(o.get("notes", "")))}
    ids = [int(o["id"].split("-")[1]) for o in old if isinstance(o, dict) and str(o.get("id", "")).startswith(PREFIX)]
    nxt = max(ids, default=0) + 1
    done: dict[str, list[str]] = {"added": [], "changed": [], "kept": [], "retired": []}
    rows = []
    for new in citable(b, facts, site_url):
        was = by_key.pop(new["notes"], None)
        same = was is not None and all(was.get(k) == v for k, v in new.items()) and was.get("status") == "verified"
        if was is not None and same:
            rows.append(was)
            done["kept"].append(was["id"])
            continue
        fid = was["id"] if was else f"{PREFIX}-{nxt:03d}"
        if not was:
            nxt += 1
        rows.append({"id": fid, **new, "verified_on": today, "verified_by": VERIFIED_BY, "status": "verified"})
        done["changed" if was else "added"].append(fid)
    for gone in by_key.values():  # no longer computed: retired (a draft may cite it)
        if gone.get("status") != "retired":
            done["retired"].append(gone["id"])
        rows.append({**gone, "status": "retired"})
    rows.sort(key=lambda o: o["id"])
    order = ("id", "filiere", "statement_fr", "statement_en", "wording_fr", "wording_en", "wording_status", "value",
             "unit", "year", "source", "verified_on", "verified_by", "review_by", "status", "derived_from", "notes")
    rows = [{k: o[k] for k in order if k in o} for o in rows]
    header = ("# Résultats du baromètre citables dans les textes (faits dérivés). Written by 'python -m pipeline "
              "barometer cite': do not edit by hand (format: corpus/README.md, 'Citable results').\n\n")
    body = yaml.dump(rows, Dumper=_NoAliases, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=False)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(header + re.sub(r"\n- id:", "\n\n- id:", body), encoding="utf-8")
    os.replace(tmp, path)
    return done
