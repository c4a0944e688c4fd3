"""The published barometer's data files (CSV and JSON) and their description in the open data package.

The published barometer's data files: data/barometre.csv (one row per point: series and comparisons, with the
fact, its source and the address of its card) and data/boussole.csv (each territory's compass scores). Each column is
described here, typed and in French and English, for datapackage.json (publish/open_data.py lays the package out)."""
from __future__ import annotations

import csv
import io

from pipeline.barometer import words as bw
from pipeline.barometer.compass import MIN_COVERAGE, SPREAD
from pipeline.publish import barometer as bp
from pipeline.publish.open_data import csv_resource, table_schema

_EMPTY = " ; vide pour un point de série", "; empty for a series point"
# data/barometre.csv: (name, Table Schema type, French description, English description)
POINT_FIELDS = (
    ("indicateur", "string", "Identifiant de l'indicateur (sa page : barometre/<indicateur>.html)",
     "Id of the indicator (its page: barometre/<indicator>.html)"),
    ("territoire", "string", "Identifiant du territoire (celui de l'agence compris)",
     "Id of the territory (the agency's own included)"),
    ("nom", "string", "Nom du territoire au périmètre de l'indicateur",
     "Name of the territory at the indicator's perimeter"),
    ("role", "string", "« serie » : un point de la série du territoire de l'agence ; « comparaison » : une ligne de la "
     "comparaison entre pairs", "\"serie\": a point of the agency's territory's series; \"comparaison\": a row of "
     "the comparison among peers"),
    ("annee", "integer", "Année à laquelle le chiffre se rapporte", "Year the figure refers to"),
    ("valeur", "string", "Chiffre tel que le fait l'écrit (« 70,5 »)", "Figure as the fact writes it (\"70,5\")"),
    ("valeur_nombre", "number", "Le chiffre en nombre (point décimal)", "The figure as a number (decimal point)"),
    ("unite", "string", "Unité du chiffre", "Unit of the figure"),
    ("annee_comparaison", "integer", "Année de la comparaison" + _EMPTY[0], "Year of the comparison" + _EMPTY[1]),
    ("rang", "integer", "Rang parmi les pairs (1 : le meilleur dans le sens de l'indicateur, ex aequo au même rang)"
     + _EMPTY[0], "Rank among peers (1: the best in the indicator's direction, ties share a rank)" + _EMPTY[1]),
    ("ecart_annee", "integer", "Année du chiffre moins année de la comparaison (0 : même année)" + _EMPTY[0],
     "The figure's year minus the comparison's year (0: same year)" + _EMPTY[1]),
    ("fait", "string", "Identifiant du fait dont le chiffre est la valeur", "Id of the fact whose value the figure is"),
    ("a_revoir", "boolean", "Vrai si la date de relecture du fait est passée (chiffre à revoir)",
     "True when the fact's review date has passed (figure due for review)"),
    ("autres_faits", "string", "Autres faits pour le même territoire et la même année, séparés par des espaces",
     "Other facts for the same territory and year, separated by spaces"),
    ("source_titre", "string", "Titre de la source", "Title of the source"),
    ("source_url", "string", "Adresse de la source", "Address of the source"),
    ("page_fr", "string", "Adresse de la fiche du fait, en français (depuis la racine du site sans --base-url)",
     "Address of the fact's card, in French (from the site's root without --base-url)"),
    ("page_en", "string", "Adresse de la fiche du fait, en anglais (depuis la racine du site sans --base-url)",
     "Address of the fact's card, in English (from the site's root without --base-url)"),
)
CSV_FIELDS = tuple(name for name, *_ in POINT_FIELDS)
# data/boussole.csv before its dimensions' columns (compass_fields)
COMPASS_FIELDS = (
    ("territoire", "string", "Identifiant du territoire (celui de l'agence compris)",
     "Id of the territory (the agency's own included)"),
    ("nom", "string", "Nom du territoire", "Name of the territory"),
    ("rang", "integer", f"Rang sur le score global (vide : non classé, couverture sous {MIN_COVERAGE * 100:.0f} %)",
     f"Rank on the overall score (empty: not ranked, coverage under {MIN_COVERAGE:.0%})"),
    ("score_global", "number", "Score global sur 100 : moyenne pondérée des scores de ses indicateurs (chacun 0 pour "
     "le dernier des pairs, 100 pour le premier)", "Overall score out of 100: weighted mean of its indicator scores "
     "(each 0 for the last of the peers, 100 for the first)"),
    ("couverture", "number", "Part du poids de la boussole pour laquelle le territoire a des chiffres (0 à 1)",
     "Share of the compass's weight the territory has figures for (0 to 1)"),
    ("rang_conserve", "number", f"Part des tirages de poids (±{SPREAD * 100:.0f} %) où le territoire garde son rang "
     "(0 à 1 ; vide : non classé)", f"Share of the weight draws (±{SPREAD:.0%}) in which the territory keeps its rank "
     "(0 to 1; empty: not ranked)"),
)


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


def _dimensions(c) -> list[str]:
    return sorted({d for d in c.dimension_of.values() if any(d in v for v in c.dimensions.values())})


def compass_fields(b) -> tuple:
    """data/boussole.csv's columns, described: the fixed ones, then one per dimension of the compass."""
    return COMPASS_FIELDS + tuple(
        (bp._slug(d), "number", f"Score de la dimension « {bw.dimension(d, 'fr')} » sur 100 (vide : aucun chiffre)",
         f"Score for the dimension \"{bw.dimension(d, 'en')}\" out of 100 (empty: no figure)")
        for d in _dimensions(b.compass))


def compass_rows(pub) -> tuple[list[str], list[dict]]:
    c = pub.b.compass
    dims = _dimensions(c)
    rows = [{"territoire": t or pub.b.home, "nom": c.names[t], "rang": c.ranks.get(t) or "",
             "score_global": round(c.overall[t], 1), "couverture": round(c.coverage[t], 3),
             "rang_conserve": round(c.robustness[t], 3) if t in c.robustness else "",
             **{bp._slug(d): ("" if c.dimensions[t].get(d) is None else round(c.dimensions[t][d], 1)) for d in dims}}
            for t in sorted(c.overall, key=lambda t: (c.ranks.get(t) or 999, c.names[t]))]
    return [name for name, *_ in compass_fields(pub.b)], rows


def data_resources(b) -> list[dict]:
    """The two CSV files as the open data package lists them (datapackage.json's resources, publish/open_data.py)."""
    return [csv_resource("barometre-csv", bp.CSV_PATH, "Tous les points du baromètre : séries et comparaisons, "
                         "chacun la valeur d'un fait, CSV", "Every point of the barometer: series and comparisons, "
                         "each one fact's value, CSV",
                         table_schema(POINT_FIELDS, {"indicateur", "territoire", "role", "annee", "valeur",
                                                     "valeur_nombre", "fait", "a_revoir"})),
            csv_resource("boussole-csv", bp.COMPASS_CSV_PATH, "Les scores de la boussole de chaque territoire, CSV",
                         "Each territory's compass scores, CSV",
                         table_schema(compass_fields(b), {"territoire", "nom", "score_global", "couverture"},
                                      ["territoire"]))]
