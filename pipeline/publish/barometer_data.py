"""The published barometer's data files (CSV and JSON).

The published barometer's data files: data/barometre.csv (one row per point: series and comparisons, with the
fact, its source and the address of its card) and data/boussole.csv (each territory's compass scores)."""
from __future__ import annotations

import csv
import io

from pipeline.publish import barometer as bp


def point_rows(pub) -> list[dict]:
    rows = []
    for r in pub.shown():
        c = r.comparison
        placed = [("serie", p, None) for p in r.series] + ([("comparaison", x.point, x) for x in c.rows] if c else [])
        for role, p, x in placed:
            rows.append({"indicateur": r.indicator.id, "territoire": p.territory or pub.b.home, "nom": p.name,
                         "role": role, "annee": p.year, "valeur": p.value_text, "valeur_nombre": p.value,
                         "unite": p.unit, "annee_comparaison": c.year if x else "", "rang": x.rank if x else "",
                         "ecart_annee": x.year_gap if x else "", "fait": p.fact_id,
                         "a_revoir": "true" if p.stale else "false",
                         "autres_faits": " ".join(o.fact_id for o in p.others), "source_titre": p.source_title,
                         "source_url": p.source_url, "page_fr": pub.site.url(pub.card("fr", p.fact_id)),
                         "page_en": pub.site.url(pub.card("en", p.fact_id))})
    return rows


def csv_text(fields: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    wr = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n")
    wr.writeheader()
    wr.writerows(rows)
    return buf.getvalue()


def compass_rows(pub) -> tuple[list[str], list[dict]]:
    c = pub.b.compass
    dims = sorted({d for d in c.dimension_of.values() if any(d in v for v in c.dimensions.values())})
    rows = [{"territoire": t or pub.b.home, "nom": c.names[t], "rang": c.ranks.get(t) or "",
             "score_global": round(c.overall[t], 1), "couverture": round(c.coverage[t], 3),
             "rang_conserve": round(c.robustness[t], 3) if t in c.robustness else "",
             **{bp._slug(d): ("" if c.dimensions[t].get(d) is None else round(c.dimensions[t][d], 1)) for d in dims}}
            for t in sorted(c.overall, key=lambda t: (c.ranks.get(t) or 999, c.names[t]))]
    return ["territoire", "nom", "rang", "score_global", "couverture", "rang_conserve", *map(bp._slug, dims)], rows
