"""The barometer's words in French and English, and its numbers as readers of each language write them."""
from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import format_decimal

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
DIMENSIONS = {  # id -> (French, English, short French, short English: the radar's axes)
    "accessibilité": ("Accessibilité", "Accessibility", "Accessibilité", "Access"),
    "investissement": ("Investissement", "Investment", "Investissement", "Investment"),
    "talents": ("Talents", "Talent", "Talents", "Talent"),
    "tourisme et événements": ("Tourisme et événements", "Tourism and events", "Tourisme", "Tourism"),
    "rayonnement": ("Rayonnement", "Reach", "Rayonnement", "Reach"),
}
PERIMETERS = {"city": ("la ville", "the city"), "metropolis": ("la métropole", "the metropolis"),
              "departement": ("le département", "the département"), "region": ("la région", "the region"),
              "port": ("le port", "the port"), "airport": ("l'aéroport", "the airport"),
              "employment_zone": ("la zone d'emploi", "the employment zone")}
REASONS = {
    "unit": ("unité différente de celle de l'indicateur ({unit}) : ni convertie ni comparée",
             "not the indicator's unit ({unit}): neither converted nor compared"),
    "perimeter": ("mesure un autre périmètre que {perimeter} : non comparé",
                  "measures another perimeter than {perimeter}: not compared"),
    "undated": ("chiffre sans année : ni placé dans la série ni comparé",
                "no year: neither placed in the series nor compared"),
    "value": ("la valeur n'est pas un seul nombre", "the value is not one number"),
    "status": ("fait non vérifié ou remplacé : non utilisé", "fact not verified or superseded: not used"),
}

W = {
    "fr": {
        "title": "Baromètre de l'attractivité", "method": "Méthode du baromètre",
        "comparison_facts": "Faits et chiffres — territoires comparés",
        "lede": "{home} comparée à {n} autres territoires, indicateur par indicateur, à partir des seuls chiffres "
                "vérifiés de l'agence : chaque point renvoie à sa fiche (source, année, vérification, date de "
                "relecture). Calculé le {d}.",
        "compass": "La boussole", "compass_intro": "Pour chaque dimension, le score de chaque territoire (0 : le "
                   "dernier des territoires comparés, 100 : le premier), moyenne pondérée des indicateurs. Poids, "
                   "normalisation et robustesse : voir la méthode.",
        "compass_chart": "Boussole de l'attractivité : score par dimension de chaque territoire",
        "compass_desc": "Un radar par territoire, {k} axes ({dims}), 0 au centre, 100 au bord. {summary}",
        "compass_table": "Scores de la boussole (0 à 100) par territoire",
        "radar_title": "Boussole de {name} : {caption}", "radar_desc": "Scores de {name} sur 100 : {scores}.",
        "robust_all": "Le classement entier est inchangé dans {p} des {n} tirages de poids (chaque poids varie de "
                      "± 50 %).",
        "indicators": "Les indicateurs", "indicators_table": "Les indicateurs : dernier chiffre de {home} et son "
                      "rang parmi les territoires comparés",
        "downloads": "Données", "csv": "Tous les points du baromètre (CSV)", "json": "Le baromètre complet (JSON)",
        "compass_csv": "Les scores de la boussole (CSV)", "report": "Rapport du baromètre",
        "rank": "Rang", "territory": "Territoire", "overall": "Score global", "coverage": "Couverture",
        "robustness": "Rang conservé", "indicator": "Indicateur", "dimension": "Dimension", "weight": "Poids",
        "latest": "Dernier chiffre", "place_col": "Rang", "figure": "Chiffre", "year": "Année", "fact": "Fait",
        "source": "Source", "unit": "Unité", "perimeter": "Périmètre", "direction": "Sens",
        "higher": "plus haut = mieux", "lower": "plus bas = mieux", "not_ranked": "non classé",
        "no_compass": "hors boussole", "stale": "à revoir", "none": "—", "facts_used": "Faits utilisés",
        "series": "{home} au fil des années", "series_chart": "{name} : {home}, par année ({unit})",
        "series_desc": "{n} point(s) : {points}.", "no_series": "Aucun chiffre vérifié pour {home} : pas de série.",
        "comparison": "Parmi les territoires comparés ({year})",
        "comparison_chart": "{name} en {year} : les territoires comparés ({unit})",
        "comparison_desc": "{home} : {place}. Par rang : {rows}.",
        "place": "{rank} sur {n}", "unplaced": "pas de chiffre de {home} pour cette année",
        "year_gap": "et non {ref}", "missing": "Non comparé(s), faute de chiffre à un an près de {year} : "
                                                     "{names}.",
        "missing_one": "{name} (dernier chiffre : {year})",
        "one_territory": "Pas de comparaison : aucun autre territoire n'a de chiffre pour cet indicateur à ce "
                         "périmètre.",
        "no_common_year": "Pas de comparaison : aucun autre territoire n'a de chiffre à un an près d'une année de "
                          "la série.",
        "citable": "À citer", "citable_intro": "Ces résultats sont des faits de la base, que les textes de l'agence "
                  "peuvent citer ; chacun liste les faits dont il est calculé.",
        "stale_legend": "Points creux ou barres pâles au contour pointillé : {n} chiffre(s) à revoir (date de "
                        "relecture passée), montrés tels quels.",
        "conflicts": "Chiffres divergents", "conflict_line": "{name} {year} : {used} est utilisé ({value}) ; {others}.",
        "other_gives": "{fact} donne {value}", "left_out": "Chiffres écartés",
        "left_out_intro": "Ces faits sont étiquetés pour l'indicateur mais ne sont ni tracés ni comparés :",
        "meta": "Unité : {unit} · périmètre : {perimeter} · {direction} · {compass}",
        "in_compass": "boussole : {dimension}, poids {weight}",
        "table": "Tableau des chiffres", "sources": "Sources", "see_method": "La méthode",
        "card": "fiche", "others": "Autres faits", "score_tip": "{name} — {dimension} : {score} sur 100",
        "point_tip": "{name}, {year} : {figure} {unit} — {source} — {fact}",
        "ordinal": "{n}e", "ordinal_1": "1er",
        "comparison_facts_intro": "Les chiffres des autres territoires (et ceux du territoire de l'agence réunis pour "
                                  "les comparer) que montre le baromètre. Ils ne servent pas aux textes de l'agence.",
    },
    "en": {
        "title": "Attractiveness barometer", "method": "How the barometer is made",
        "comparison_facts": "Facts and figures — compared territories",
        "lede": "{home} compared with {n} other territories, indicator by indicator, from the agency's verified "
                "figures only: every point links to its fact sheet (source, year, verification, review date). "
                "Computed on {d}.",
        "compass": "The compass", "compass_intro": "For each dimension, each territory's score (0: the last of the "
                   "territories compared, 100: the first), a weighted mean of the indicators. Weights, "
                   "normalisation and robustness: see the method.",
        "compass_chart": "Attractiveness compass: each territory's score per dimension",
        "compass_desc": "One radar per territory, {k} axes ({dims}), 0 at the centre, 100 at the rim. {summary}",
        "compass_table": "Compass scores (0 to 100) per territory",
        "radar_title": "Compass of {name}: {caption}", "radar_desc": "{name}'s scores out of 100: {scores}.",
        "robust_all": "The whole ranking is unchanged in {p} of {n} weight draws (each weight varies by ±50%).",
        "indicators": "The indicators", "indicators_table": "The indicators: {home}'s latest figure and its rank "
                      "among the territories compared",
        "downloads": "Data", "csv": "Every point of the barometer (CSV)", "json": "The whole barometer (JSON)",
        "compass_csv": "The compass scores (CSV)", "report": "Barometer report",
        "rank": "Rank", "territory": "Territory", "overall": "Overall score", "coverage": "Coverage",
        "robustness": "Rank kept", "indicator": "Indicator", "dimension": "Dimension", "weight": "Weight",
        "latest": "Latest figure", "place_col": "Rank", "figure": "Figure", "year": "Year", "fact": "Fact",
        "source": "Source", "unit": "Unit", "perimeter": "Perimeter", "direction": "Direction",
        "higher": "higher is better", "lower": "lower is better", "not_ranked": "not ranked",
        "no_compass": "not in the compass", "stale": "due for review", "none": "—", "facts_used": "Facts used",
        "series": "{home} over the years", "series_chart": "{name}: {home}, by year ({unit})",
        "series_desc": "{n} point(s): {points}.", "no_series": "No verified figure for {home}: no series.",
        "comparison": "Among the territories compared ({year})",
        "comparison_chart": "{name} in {year}: the territories compared ({unit})",
        "comparison_desc": "{home}: {place}. By rank: {rows}.",
        "place": "{rank} of {n}", "unplaced": "no figure for {home} that year",
        "year_gap": "not {ref}", "missing": "Not compared, for want of a figure within a year of {year}: "
                                                   "{names}.",
        "missing_one": "{name} (latest figure: {year})",
        "one_territory": "No comparison: no other territory has a figure for this indicator at this perimeter.",
        "no_common_year": "No comparison: no other territory has a figure within a year of a year of the series.",
        "citable": "To cite", "citable_intro": "These results are facts of the fact base the agency's texts may "
                   "cite; each lists the facts it is computed from.",
        "stale_legend": "Hollow points or pale bars with a dashed outline: {n} figure(s) due for review (review "
                        "date passed), shown as they are.",
        "conflicts": "Conflicting figures", "conflict_line": "{name} {year}: {used} is used ({value}); {others}.",
        "other_gives": "{fact} gives {value}", "left_out": "Figures left out",
        "left_out_intro": "These facts are tagged for the indicator but are neither plotted nor compared:",
        "meta": "Unit: {unit} · perimeter: {perimeter} · {direction} · {compass}",
        "in_compass": "compass: {dimension}, weight {weight}",
        "table": "Table of the figures", "sources": "Sources", "see_method": "The method",
        "card": "fact sheet", "others": "Other facts", "score_tip": "{name} — {dimension}: {score} out of 100",
        "point_tip": "{name}, {year}: {figure} {unit} — {source} — {fact}",
        "ordinal": "{n}th", "ordinal_1": "1st",
        "comparison_facts_intro": "The figures of the other territories (and the agency's own territory's, gathered to "
                                  "compare them) the barometer shows. The agency's texts do not use them.",
    },
}


def ordinal(n: int, lang: str) -> str:
    w = W[lang]
    if n == 1:
        return w["ordinal_1"]
    if lang == "en" and n % 100 not in (11, 12, 13) and n % 10 in (1, 2, 3):
        return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}[n % 10]}"
    return w["ordinal"].format(n=n)


def dimension(d: str, lang: str, short: bool = False) -> str:
    names = DIMENSIONS.get(d)
    if not names:
        return d
    return names[(2 if short else 0) + (lang == "en")]


def perimeter(p: str, lang: str) -> str:
    return PERIMETERS.get(p, (p, p))[lang == "en"]


def fact_decimal(text: str) -> Decimal | None:
    """A fact's value text as an exact decimal (the same readings as pipeline.barometer.model.parse_value)."""
    t = re.sub(r"[\s\u202f\xa0]", "", str(text))
    if re.fullmatch(r"-?\d+", t):
        return Decimal(t)
    if re.fullmatch(r"-?\d+[.,]\d+", t):
        return Decimal(t.replace(",", "."))
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", t):
        return Decimal(t.replace(",", ""))
    return None


def figure(text: str, lang: str) -> str:
    """A fact's figure written for a reader of `lang` ("11,7" / "11.7", "1 911 311" / "1,911,311"), every digit
    of the fact kept (nothing rounded); a value that is not one number as it is."""
    d = fact_decimal(text)
    return text if d is None else format_decimal(d, locale=LOCALES[lang], decimal_quantization=False)


def score(x: float | None, lang: str) -> str:
    """A compass score to one decimal (as data/barometre.json gives it)."""
    return "—" if x is None else format_decimal(round(x, 1), format="0.0", locale=LOCALES[lang])


def percent(share: float, lang: str) -> str:
    n = format_decimal(round(100 * share), locale=LOCALES[lang])
    return f"{n}\u202f%" if lang == "fr" else f"{n}%"
