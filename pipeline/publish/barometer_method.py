"""The barometer's method page, in French and English.

The barometer's method page (`<lang>/barometre/methode.html`): what is compared and how, the weights, the
normalisation, the robustness check and every source, in French and English (corpus/README.md says the same)."""
from __future__ import annotations

from pipeline.barometer import words as bw
from pipeline.publish import barometer as bp
from pipeline.publish.layout import document, link

TEXT = {
    "fr": {
        "intro": "Le baromètre ne montre que des chiffres vérifiés de la base de faits de l'agence, chacun avec sa "
                 "source, son année, sa vérification et sa date de relecture. Rien n'est estimé, converti ni "
                 "complété : ce qui manque est dit.",
        "figures": "Les chiffres",
        "figures_list": [
            "Seuls les faits vérifiés et non remplacés sont utilisés ; un fait dont la date de relecture est passée "
            "est utilisé et marqué « à revoir ».",
            "Un fait dans une autre unité que celle de l'indicateur (des passagers au lieu de millions de "
            "passagers), d'un autre périmètre (un département au lieu d'une ville), sans année, ou dont la valeur "
            "n'est pas un seul nombre est écarté, et listé avec la raison sur la page de l'indicateur.",
            "Quand plusieurs faits donnent le chiffre d'un territoire pour une année, celui que désigne la règle de "
            "conflit de l'agence (préféré, remplaçant, source primaire) est utilisé et les autres sont montrés à "
            "côté."],
        "compare": "Comparer",
        "compare_list": [
            "Même indicateur, même unité, même périmètre (la ville, la métropole, le port, l'aéroport…).",
            "L'année de comparaison est la plus récente de la série de {home} pour laquelle un autre territoire a un "
            "chiffre à {tol} an près ; le chiffre le plus proche de chaque territoire est pris et son année est "
            "indiquée quand elle diffère. Un territoire sans chiffre assez proche est dit « non comparé ».",
            "Rang : 1 est le meilleur dans le sens de l'indicateur ; deux chiffres égaux partagent un rang."],
        "compass": "La boussole",
        "compass_list": [
            "Chaque indicateur de la boussole (une dimension, un poids supérieur à 0) comparant au moins deux "
            "territoires est normalisé au sein de cette comparaison (min-max, dans le sens de l'indicateur) : le "
            "meilleur chiffre vaut 100, le moins bon 0. Un territoire sans chiffre n'a pas de score pour cet "
            "indicateur (jamais 0).",
            "Le score d'une dimension est la moyenne pondérée des scores de ses indicateurs ; le score global, la "
            "moyenne pondérée de tous ; la couverture, la part du poids total pour laquelle le territoire a un "
            "chiffre. Seuls les territoires couvrant au moins {cov} du poids sont classés.",
            "Les poids sont ceux du tableau ci-dessous ; l'équipe peut les faire varier dans le studio."],
        "robust": "Robustesse",
        "robust_text": "Chaque poids est multiplié par un tirage au hasard entre {lo} et {hi} (± {spread}), {n} fois "
                       "(analyse d'incertitude du manuel des indicateurs composites du JRC et de l'OCDE). Pour "
                       "chaque territoire : la part des tirages où il garde son rang. Le classement entier est "
                       "inchangé dans {all} des tirages.",
        "weights": "Indicateurs, périmètres et poids", "weights_table": "Chaque indicateur : unité, périmètre, "
                   "sens, dimension, poids et nombre de faits utilisés",
        "dimensions": "Les dimensions et leurs indicateurs", "robust_table": "Part des tirages de poids où "
                      "chaque territoire garde son rang",
        "all_sources": "Toutes les sources",
    },
    "en": {
        "intro": "The barometer shows only verified figures of the agency's fact base, each with its source, year, "
                 "verification and review date. Nothing is estimated, converted or filled in: what is missing is "
                 "said.",
        "figures": "The figures",
        "figures_list": [
            "Only verified facts that no other fact supersedes are used; a fact past its review date is used and "
            "marked “due for review”.",
            "A fact in another unit than the indicator's (passengers instead of million passengers), of another "
            "perimeter (a département instead of a city), with no year, or whose value is not one number is left "
            "out, and listed with the reason on the indicator's page.",
            "When several facts give a territory's figure for a year, the one the agency's conflict rule picks "
            "(preferred, superseding, primary source) is used and the others are shown beside it."],
        "compare": "Comparing",
        "compare_list": [
            "Same indicator, same unit, same perimeter (the city, the metropolis, the port, the airport…).",
            "The comparison year is the latest year of {home}'s series for which another territory has a figure "
            "within {tol} year; each territory's closest figure is taken and its year shown when it differs. A "
            "territory with no figure that close is said to be “not compared”.",
            "Rank: 1 is the best in the indicator's direction; equal figures share a rank."],
        "compass": "The compass",
        "compass_list": [
            "Each compass indicator (a dimension, a weight above 0) that compares two territories or more is "
            "normalised within that comparison (min-max, in the indicator's direction): the best figure scores 100, "
            "the worst 0. A territory with no figure has no score for that indicator (never 0).",
            "A dimension's score is the weighted mean of its indicators' scores; the overall score the weighted "
            "mean of all of them; coverage the share of the total weight the territory has figures for. Only "
            "territories covering at least {cov} of the weight are ranked.",
            "The weights are those of the table below; the team can vary them in the studio."],
        "robust": "Robustness",
        "robust_text": "Every weight is multiplied by a random draw between {lo} and {hi} (±{spread}), {n} times "
                       "(uncertainty analysis of the JRC/OECD handbook on composite indicators). For each "
                       "territory: the share of draws in which it keeps its rank. The whole ranking is unchanged in "
                       "{all} of the draws.",
        "weights": "Indicators, perimeters and weights", "weights_table": "Each indicator: unit, perimeter, "
                   "direction, dimension, weight and number of facts used",
        "dimensions": "The dimensions and their indicators", "robust_table": "Share of weight draws in which each "
                      "territory keeps its rank",
        "all_sources": "Every source",
    },
}


def _ul(items: list[str]) -> str:
    return "<ul>\n" + "\n".join(f"<li>{bp._e(i)}</li>" for i in items) + "\n</ul>"


def method_page(pub, lang: str, frame=None, whole: bool = True) -> str:
    """The method page (whole: the HTML page; else its content, for the report)."""
    w, t, b, c = bw.W[lang], TEXT[lang], pub.b, pub.b.compass
    frame = frame or bp._frame(pub, bp.method_path(lang), bp.method_path(bp.bw_other(lang)), lang,
                               f"{w['method']} — {w['title']}", t["intro"], crumbs=((w["title"], bp.index_path(lang)),))
    one = str(bp.YEAR_TOLERANCE)
    parts = [f"<h1>{bp._e(w['method'])}</h1>", f'<p class="lede">{bp._e(t["intro"])}</p>',
             f'<h2 id="chiffres">{bp._e(t["figures"])}</h2>', _ul(t["figures_list"]),
             f'<h2 id="comparer">{bp._e(t["compare"])}</h2>',
             _ul([s.format(home=b.home_name, tol=one) for s in t["compare_list"]]),
             f'<h2 id="boussole">{bp._e(t["compass"])}</h2>',
             _ul([s.format(cov=bw.percent(bp.MIN_COVERAGE, lang)) for s in t["compass_list"]])]
    rows = []
    for r in b.indicators:
        ind = r.indicator
        used = len({p.fact_id for p in r.points()})
        page = (f'<a href="{bp._e(link(pub.site, frame, bp.indicator_path(lang, ind.id)))}">{bp._e(ind.name(lang))}'
                "</a>" if r.points() else bp._e(ind.name(lang)))
        rows.append([page, bp._e(pub.unit(r, lang)), bp._e(bw.perimeter(ind.perimeter, lang)), bp._e(w[ind.direction]),
                     bp._e(bw.dimension(ind.dimension, lang)) if ind.dimension else bp._e(w["no_compass"]),
                     bp._e(bp._weight(pub, ind.id, lang)) if ind.dimension else w["none"], str(used)])
    parts.append(f'<h2 id="poids">{bp._e(t["weights"])}</h2>')
    parts.append(bp._table(t["weights_table"], [w["indicator"], w["unit"], w["perimeter"], w["direction"],
                                                w["dimension"], w["weight"], w["facts_used"]], rows))
    parts.append(f'<h2 id="dimensions">{bp._e(t["dimensions"])}</h2>')
    for d in sorted({d for d in c.dimension_of.values()}):
        inds = [r for r in b.indicators if r.indicator.dimension == d and c.weights.get(r.indicator.id, 0) > 0]
        items = "".join(f'<li><a href="{bp._e(link(pub.site, frame, bp.indicator_path(lang, r.indicator.id)))}">'
                        f"{bp._e(r.indicator.name(lang))}</a> ({bp._e(w['weight'].lower())} "
                        f"{bp._e(bp._weight(pub, r.indicator.id, lang))})</li>" if r.points() else
                        f"<li>{bp._e(r.indicator.name(lang))}</li>" for r in inds)
        parts.append(f'<h3 id="dim-{bp._slug(d)}">{bp._e(bw.dimension(d, lang))}</h3>\n<ul>{items}</ul>')
    parts.append(f'<h2 id="robustesse">{bp._e(t["robust"])}</h2>')
    if c.draws and c.all_kept is not None:
        parts.append("<p>" + bp._e(t["robust_text"].format(
            lo=bw.score(1 - bp.SPREAD, lang).rstrip("0").rstrip(",."), hi=bw.score(1 + bp.SPREAD, lang).rstrip("0")
            .rstrip(",."), spread=bw.percent(bp.SPREAD, lang), n=bw.format_decimal(c.draws, locale=bw.LOCALES[lang]), all=bw.percent(c.all_kept, lang))) + "</p>")
        order = sorted(c.robustness, key=lambda x: (c.ranks.get(x) or 999, c.names[x]))
        parts.append(bp._table(t["robust_table"], [w["rank"], w["territory"], w["robustness"]],
                               [[bp._e(bw.ordinal(c.ranks[x], lang)), bp._e(pub.name(x, lang)),
                                 bp._e(bw.percent(c.robustness[x], lang))] for x in order]))
    parts.append(bp._sources(pub, frame, bp.shown_fact_ids(b)).replace(
        f">{bp._e(w['sources'])}</h2>", f">{bp._e(t['all_sources'])}</h2>"))
    return document(pub.site, frame, bp._body(pub, frame, "\n".join(parts))) if whole else "\n".join(parts)

