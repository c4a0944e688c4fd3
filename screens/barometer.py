"""The "Baromètre" page: the home's series, its place among peers per indicator, the compass (weights for editors)."""
from __future__ import annotations

import altair as alt
import streamlit as st

from pipeline.errors import StudioError
from screens.state import Studio, barometer, corpus_fingerprint

# Renders only: every figure comes from pipeline.barometer (the CLI's `barometer` computes the same). Each point of a
# chart is one fact's value; its tooltip gives the figure, the year, the source and the fact's id, and a table under
# each chart gives the same rows (the accessible alternative).

PERIMETRE = {"city": "ville", "metropolis": "métropole", "departement": "département", "region": "région",
             "port": "port", "airport": "aéroport", "employment_zone": "zone d'emploi"}
SENS = {"higher": "plus haut = mieux", "lower": "plus bas = mieux"}
ECARTE = {"unit": "unité différente de celle de l'indicateur : ni convertie ni comparée",
          "perimeter": "périmètre différent de celui de l'indicateur : non comparé",
          "undated": "chiffre sans année : ni placé dans la série ni comparé",
          "value": "la valeur n'est pas un seul nombre", "status": "fait non vérifié ou remplacé : non utilisé"}
TIP = [alt.Tooltip("territoire:N"), alt.Tooltip("chiffre:N"), alt.Tooltip("année:O"), alt.Tooltip("source:N"),
       alt.Tooltip("fait:N")]


def _row(p, unit: str) -> dict:
    """One point as a table row and a chart datum: the fact's own figure, year, source and id."""
    return {"territoire": p.name, "valeur": p.value, "chiffre": f"{p.value_text} {unit}", "année": p.year,
            "source": p.source_title, "fait": p.fact_id, "à revérifier": "oui" if p.stale else "",
            "autres faits": ", ".join(f"{o.fact_id} ({o.value_text})" for o in p.others)}


def _weights_input(b, editor: bool) -> dict[str, float]:
    """The compass's weights: sliders for editors (for this view only), a table for the others."""
    inds = {r.indicator.id: r.indicator for r in b.indicators if r.indicator.dimension}
    if not editor:
        st.dataframe([{"indicateur": inds[i].name_fr, "dimension": inds[i].dimension, "poids": w}
                      for i, w in b.compass.weights.items()], hide_index=True, width="stretch")
        return {}
    st.caption("Changez les poids pour voir les positions bouger (cette vue seulement ; les poids enregistrés sont "
               "ceux de corpus/indicators.yaml).")
    cols = st.columns(3)
    return {i: cols[n % 3].slider(inds[i].name_fr, 0.0, 3.0, float(w), 0.25, key=f"poids_{i}")
            for n, (i, w) in enumerate(b.compass.weights.items())}


def _compass(b) -> None:
    c = b.compass
    st.subheader("Boussole")
    st.caption(f"Scores de 0 (le plus faible des territoires comparés) à 100 (le meilleur), normalisés min-max au "
               f"sein de chaque comparaison, dans le sens de l'indicateur ; classés quand ils couvrent au moins la "
               f"moitié du poids. Robustesse : part de {c.draws} tirages de poids à ±50 % qui gardent le rang.")
    rows = [{"territoire": c.names[t], "dimension": d, "score": round(v, 1)} for t in c.names
            for d, v in c.dimensions.get(t, {}).items() if v is not None]
    if not rows:
        st.info("Aucun indicateur de la boussole n'a de comparaison : pas de score.")
        return
    chart = alt.Chart(alt.Data(values=rows)).mark_circle(size=140).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="score"), y=alt.Y("dimension:N", title=None),
        color=alt.Color("territoire:N"), tooltip=["territoire:N", "dimension:N", "score:Q"])
    st.altair_chart(chart, width="stretch")
    table = [{"rang": c.ranks.get(t), "territoire": c.names[t], "score global": round(c.overall[t], 1),
              "couverture": f"{c.coverage[t]:.0%}",
              "robustesse": f"{c.robustness[t]:.0%}" if t in c.robustness else "—",
              **{d: (round(v, 1) if v is not None else None) for d, v in c.dimensions.get(t, {}).items()}}
             for t in sorted(c.names, key=lambda t: (c.ranks.get(t) or 999, c.names[t]))]
    st.dataframe(table, hide_index=True, width="stretch")
    if c.all_kept is not None:
        st.caption(f"Classement entier inchangé dans {c.all_kept:.0%} des tirages.")


def _indicator(r, home: str) -> None:
    ind = r.indicator
    st.caption(f"Unité : {ind.unit_fr or ind.unit} · périmètre : {PERIMETRE.get(ind.perimeter, ind.perimeter)} · "
               f"{SENS[ind.direction]}" + (f" · boussole : {ind.dimension} (poids {ind.weight:g})" if ind.dimension
                                           else " · hors boussole"))
    unit = ind.unit_fr or ind.unit
    st.markdown(f"**Évolution — {home}**")
    if r.series:
        series = [_row(p, unit) for p in r.series]
        st.altair_chart(alt.Chart(alt.Data(values=series)).mark_line(point=True).encode(
            x=alt.X("année:O"), y=alt.Y("valeur:Q", title=unit), tooltip=TIP), width="stretch")
        st.dataframe(series, hide_index=True, width="stretch", column_order=[k for k in series[0] if k != "valeur"])
    else:
        st.info(f"Aucune valeur pour {home} : sa place n'est pas connue (rien n'est comblé).")
    c = r.comparison
    if c is None:
        if r.series:
            st.info("Un seul territoire a des chiffres comparables pour cet indicateur : pas de comparaison.")
    else:
        place = f"{c.home_rank}e sur {len(c.rows)}" if c.home_rank else "non classé"
        st.markdown(f"**Comparaison {c.year}** (chiffres à un an au plus) — {home} : {place}")
        rows = [{**_row(x.point, unit), "rang": x.rank,
                 "écart d'année": f"{x.point.year} au lieu de {c.year}" if x.year_gap else ""} for x in c.rows]
        st.altair_chart(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
            x=alt.X("valeur:Q", title=unit), y=alt.Y("territoire:N", sort=None, title=None),
            color=alt.condition(alt.datum.territoire == home, alt.value("#c0392b"), alt.value("#7f8c8d")),
            tooltip=TIP + [alt.Tooltip("rang:O")]), width="stretch")
        st.dataframe(rows, hide_index=True, width="stretch", column_order=[k for k in rows[0] if k != "valeur"])
        for name, latest in c.missing:
            st.caption(f"Manquant : {name} (dernier chiffre {latest}, trop loin de {c.year}).")
    for p in (p for p in r.points() if any(not o.agrees and not o.declared for o in p.others)):
        st.warning(f"{p.name} {p.year} : des faits donnent des chiffres différents sans conflit déclaré "
                   f"({p.fact_id} utilisé ; {', '.join(o.fact_id for o in p.others if not o.agrees)}).")
    if r.left_out:
        st.markdown("**Faits écartés**")
        st.dataframe([{"fait": x.fact_id, "année": x.year or None, "raison": ECARTE.get(x.kind, x.kind)}
                      for x in r.left_out], hide_index=True, width="stretch")


def page(s: Studio) -> None:
    st.header("Baromètre de l'attractivité")
    key = corpus_fingerprint(s.settings)
    try:
        base = barometer(s.settings, key, ())
    except StudioError as exc:
        st.error(f"{exc.message} — {exc.fix}")
        return
    with st.expander("Pondérations de la boussole", expanded=s.user.can("editor")):
        weights = _weights_input(base, s.user.can("editor"))
    b = base
    if weights and weights != base.compass.weights:
        try:
            b = barometer(s.settings, key, tuple(sorted(weights.items())))
        except StudioError as exc:  # all weights at zero: said, the positions of the saved weights stay
            st.error(f"Pondérations refusées : {exc.message}. Donnez un poids supérieur à 0 à au moins un "
                     "indicateur.")
    _compass(b)
    st.subheader("Indicateurs")
    st.dataframe([{"indicateur": r.indicator.name_fr,
                   "dernière valeur": f"{r.series[-1].value_text} ({r.series[-1].year})" if r.series else "—",
                   "place": (f"{r.comparison.home_rank}e sur {len(r.comparison.rows)} ({r.comparison.year})"
                             if r.comparison and r.comparison.home_rank else "—"),
                   "faits écartés": len(r.left_out)} for r in b.indicators], hide_index=True, width="stretch")
    names = {r.indicator.name_fr: r for r in b.indicators}
    chosen = st.selectbox("Indicateur", list(names), key="barometre_indicateur")
    _indicator(names[chosen], b.home_name)
