"""Import the peer facts (bench/data/peers.csv: other territories, for the barometer) into corpus/facts/peers.yaml."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from pipeline.corpus.facts import read_csv_rows
from pipeline.corpus.seed_import import _Dumper, parse_year, review_date
from pipeline.errors import CorpusError

# the filière a peer fact belongs to, by indicator (the same filières as the seed's facts on the same subject)
FILIERE = {"population": "territoire", "area_km2": "territoire", "airport_passengers": "territoire",
           "student_city_rank": "territoire", "unemployment_rate": "territoire", "port_tonnage": "maritime",
           "teu": "maritime", "cruise_passengers": "tourisme", "overnight_stays": "tourisme",
           "icca_congresses": "tourisme", "icca_world_rank": "tourisme", "icca_europe_rank": "tourisme",
           "fdi_projects": "investissement", "fdi_jobs": "investissement", "fdi_projects_region": "investissement",
           "filming_days": "cinema"}
# what each figure measures, by indicator, read from the statements (the CSV has no such column) ...
PERIMETER = {"population": "metropolis", "area_km2": "metropolis", "airport_passengers": "airport",
             "port_tonnage": "port", "teu": "port", "cruise_passengers": "port", "overnight_stays": "city",
             "icca_congresses": "city", "icca_world_rank": "city", "icca_europe_rank": "city",
             "student_city_rank": "city", "fdi_projects": "metropolis", "fdi_jobs": "metropolis",
             "fdi_projects_region": "region", "unemployment_rate": "employment_zone", "filming_days": "city"}
# ... and the statements that say otherwise
PERIMETER_OF = {"PAI-066": "departement",   # Provence Promotion: "la Provence", the Bouches-du-Rhône (cf. INV-006)
                "PAI-086": "metropolis",    # "La Métropole de Lyon affichait un taux de chômage…"
                "PAI-088": "region",        # "taux de chômage localisé en Provence-Alpes-Côte d'Azur"
                "PAI-117": "departement",   # "dans le département" (Alpes-Maritimes)
                "PAI-118": "departement",   # "Les Alpes-Maritimes ont accueilli…"
                "PAI-119": "region"}        # "dans la région Auvergne-Rhône-Alpes"
PRIMARY_HOSTS = ("insee.fr", "gouv.fr")
UNDATED = "non daté par la source"
UNTITLED = "Page sans titre"


def _title(raw: str, url: str) -> str:
    """The source's title; a page that had none is named by its host (the title is required)."""
    return raw.strip() or f"{UNTITLED} ({urlsplit(url).hostname or url})"


def peer_facts(csv_path: Path, verified_on: date, verified_by: str = "seed import") -> list[dict]:
    """The peer CSV's rows as fact mappings (corpus/README.md format), ids, statements, sources and conflicts kept."""
    need = {"id", "territory", "indicator", "statement_fr", "statement_en", "value", "unit", "year", "source_title",
            "source_url", "conflict_with"}
    rows = read_csv_rows(csv_path, need, "the peers CSV", "the CSV needs the columns " + ", ".join(sorted(need)))
    out = []
    for n, r in enumerate(rows, start=2):
        ind = r["indicator"].strip()
        if ind not in FILIERE:
            raise CorpusError(f"{csv_path}:{n} [{r['id']}]: indicator {ind!r} has no filière",
                              fix="add it to FILIERE and PERIMETER in pipeline/corpus/peer_import.py")
        year, note = parse_year(r["year"]) if r["year"].strip() else (0, UNDATED)
        url = r["source_url"].strip()
        host = urlsplit(url).hostname or ""
        fact = {"id": r["id"].strip(), "filiere": FILIERE[ind], "territory": r["territory"].strip(),
                "indicator": ind, "perimeter": PERIMETER_OF.get(r["id"].strip(), PERIMETER[ind]),
                "statement_fr": r["statement_fr"].strip(), "statement_en": r["statement_en"].strip(),
                "value": r["value"].strip(), "unit": r["unit"].strip(), "year": year, "year_note": note,
                "source": {"title": _title(r["source_title"], url), "url": url,
                           "primary": any(host == h or host.endswith("." + h) for h in PRIMARY_HOSTS)},
                "verified_on": verified_on, "verified_by": verified_by,
                # undated figures do not age by their year: yearly review only
                "review_by": review_date(year or verified_on.year, "date" if not year else r["unit"], verified_on),
                "status": "verified", "conflict_with": [c for c in r["conflict_with"].split(";") if c],
                "supersedes": []}
        if not year:
            del fact["year"]
        for key in ("statement_en", "year_note"):
            if not fact[key]:
                del fact[key]
        out.append(fact)
    return out


def import_peers(csv_path: Path, corpus_dir: Path, verified_on: date, overwrite: bool = False) -> int:
    """Write corpus/facts/peers.yaml from the peers CSV; return the number of facts written."""
    path = corpus_dir / "facts" / "peers.yaml"
    if path.exists() and not overwrite:
        raise CorpusError(f"{path} already exists", fix="pass --overwrite to replace it")
    facts = peer_facts(csv_path, verified_on)
    body = yaml.dump(facts, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000,
                     default_flow_style=False)
    body = re.sub(r"\n- id:", "\n\n- id:", body)
    header = (f"# Faits des territoires comparés (baromètre) — toutes filières. Format: corpus/README.md. Imported "
              f"from {csv_path.name} on {verified_on.isoformat()} (python -m pipeline barometer import-peers).\n"
              f"# A source page without a title is named '{UNTITLED} (host)'; a figure the source does not date "
              f"has no year and 'year_note: {UNDATED}'.\n\n")
    path.write_text(header + body, encoding="utf-8")
    return len(facts)
