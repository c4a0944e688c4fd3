"""The "Baromètre" page: the home's series, its place among peers per indicator, the compass (weights for editors)."""
from __future__ import annotations

import re

import altair as alt
import streamlit as st

from pipeline.errors import StudioError
from screens import i18n
from screens.i18n import t
from screens.state import Studio, barometer, corpus_fingerprint

# Renders only: every figure comes from pipeline.barometer (the CLI's `barometer` computes the same). Each point of a
# chart is one fact's value; its tooltip gives the figure, the year, the source and the fact's id, and a table under
# each chart gives the same rows (the accessible alternative). Chart data keep fixed field names (valeur, année,
# fait…); what a person reads (tooltips, columns) comes from screens/messages.yaml.

FIELDS = {"territoire": "territory", "chiffre": "figure", "année": "year", "source": "source", "fait": "fact"}


def _tips(*extra: tuple[str, str]) -> list:
    return [alt.Tooltip(f"{k}:N", title=t(f"barometer.col.{v}")) for k, v in (*FIELDS.items(), *extra)]


def _row(p, unit: str) -> dict:
    """One point as a chart datum: the fact's own figure, year, source and id."""
    return {"territoire": p.name, "valeur": p.value, "chiffre": f"{p.value_text} {unit}", "année": p.year,
            "source": p.source_title, "fait": p.fact_id, "à revérifier": t("barometer.stale") if p.stale else "",
            "autres faits": ", ".join(f"{o.fact_id} ({o.value_text})" for o in p.others)}


def _table(rows: list[dict], names: dict[str, str]) -> None:
    """The rows under a chart, their columns named in the interface language (the chart's value column left out)."""
    st.dataframe([{t(f"barometer.col.{names[k]}"): v for k, v in r.items() if k in names} for r in rows],
                 hide_index=True, width="stretch")


ROW_COLUMNS = {**FIELDS, "à revérifier": "stale", "autres faits": "others"}


def _dimension(d: str) -> str:
    return i18n.label("barometer.dimension", d)


def _percent(share: float) -> str:
    return t("barometer.percent", n=i18n.number(100 * share))


def _weights_input(b, editor: bool) -> dict[str, float]:
    """The compass's weights: sliders for editors (for this view only), a table for the others."""
    inds = {r.indicator.id: r.indicator for r in b.indicators if r.indicator.dimension}
    lang = i18n.lang()
    if not editor:
        st.dataframe([{t("barometer.col.indicator"): inds[i].name(lang), t("barometer.col.dimension"):
                       _dimension(inds[i].dimension), t("barometer.col.weight"): w}
                      for i, w in b.compass.weights.items()], hide_index=True, width="stretch")
        return {}
    st.caption(t("barometer.weights_help"))
    cols = st.columns(3)
    return {i: cols[n % 3].slider(inds[i].name(lang), 0.0, 3.0, float(w), 0.25, key=f"poids_{i}")
            for n, (i, w) in enumerate(b.compass.weights.items())}


def _compass(b) -> None:
    c = b.compass
    st.subheader(t("barometer.compass"))
    st.caption(t("barometer.compass_method", draws=i18n.number(c.draws)))
    rows = [{"territoire": c.names[tid], "dimension": _dimension(d), "score": round(v, 1)} for tid in c.names
            for d, v in c.dimensions.get(tid, {}).items() if v is not None]
    if not rows:
        st.info(t("barometer.no_compass"))
        return
    chart = alt.Chart(alt.Data(values=rows)).mark_circle(size=140).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("barometer.col.score")),
        y=alt.Y("dimension:N", title=None), color=alt.Color("territoire:N", title=t("barometer.col.territory")),
        tooltip=[alt.Tooltip("territoire:N", title=t("barometer.col.territory")),
                 alt.Tooltip("dimension:N", title=t("barometer.col.dimension")),
                 alt.Tooltip("score:Q", title=t("barometer.col.score"))])
    st.altair_chart(chart, width="stretch")
    col = {k: t(f"barometer.col.{k}") for k in ("rank", "territory", "overall", "coverage", "robustness")}
    table = [{col["rank"]: c.ranks.get(tid), col["territory"]: c.names[tid], col["overall"]: round(c.overall[tid], 1),
              col["coverage"]: _percent(c.coverage[tid]),
              col["robustness"]: _percent(c.robustness[tid]) if tid in c.robustness else None,
              **{_dimension(d): (round(v, 1) if v is not None else None) for d, v in c.dimensions.get(tid, {}).items()}}
             for tid in sorted(c.names, key=lambda x: (c.ranks.get(x) or 999, c.names[x]))]
    st.dataframe(table, hide_index=True, width="stretch")
    if c.all_kept is not None:
        st.caption(t("barometer.all_kept", share=i18n.number(100 * c.all_kept)))


def _indicator(r, home: str, citable: list | None = None) -> None:
    ind = r.indicator
    unit = (ind.unit_fr or ind.unit) if i18n.lang() == "fr" else ind.unit
    st.caption(t("barometer.meta", unit=unit, perimeter=i18n.label("perimeter", ind.perimeter),
                 direction=t(f"barometer.direction.{ind.direction}"))
               + (t("barometer.in_compass", dimension=_dimension(ind.dimension), weight=i18n.number(ind.weight, 2))
                  if ind.dimension else t("barometer.not_in_compass")))
    st.markdown(t("barometer.series", home=home))
    if r.series:
        series = [_row(p, unit) for p in r.series]
        st.altair_chart(alt.Chart(alt.Data(values=series)).mark_line(point=True).encode(
            x=alt.X("année:O", title=t("barometer.col.year")), y=alt.Y("valeur:Q", title=unit), tooltip=_tips()),
            width="stretch")
        _table(series, ROW_COLUMNS)
    else:
        st.info(t("barometer.no_home", home=home))
    c = r.comparison
    if c is None:
        if r.series:
            st.info(t("barometer.one_territory"))
    else:
        place = t("barometer.place", rank=c.home_rank, n=len(c.rows)) if c.home_rank else t("barometer.unplaced")
        st.markdown(t("barometer.comparison", year=c.year, home=home, place=place))
        rows = [{**_row(x.point, unit), "rang": x.rank,
                 "écart": t("barometer.year_gap", year=x.point.year, ref=c.year) if x.year_gap else ""}
                for x in c.rows]
        st.altair_chart(alt.Chart(alt.Data(values=rows)).mark_bar().encode(
            x=alt.X("valeur:Q", title=unit), y=alt.Y("territoire:N", sort=None, title=None),
            color=alt.condition(alt.datum.territoire == home, alt.value("#c0392b"), alt.value("#7f8c8d")),
            tooltip=_tips(("rang", "rank"))), width="stretch")
        _table(rows, {**ROW_COLUMNS, "rang": "rank", "écart": "year_gap"})
        for name, latest in c.missing:
            st.caption(t("barometer.missing", name=name, year=latest, ref=c.year))
    if citable:  # the results drafts may cite, as the index holds them
        st.markdown(t("barometer.citable"))
        lang = i18n.lang()
        for f in citable:
            st.markdown(f"- `{f.id}` {f.wording(lang) or f.statement(lang)}")
    for p in (p for p in r.points() if any(not o.agrees and not o.declared for o in p.others)):
        st.warning(t("barometer.undeclared", name=p.name, year=p.year, used=p.fact_id,
                     others=", ".join(o.fact_id for o in p.others if not o.agrees)))
    if r.left_out:
        st.markdown(t("barometer.left_out"))
        st.dataframe([{t("barometer.col.fact"): x.fact_id, t("barometer.col.year"): x.year or None,
                       t("barometer.col.reason"): i18n.label("barometer.reason", x.kind)} for x in r.left_out],
                     hide_index=True, width="stretch")


def _overview(b) -> None:
    lang, col = i18n.lang(), {k: t(f"barometer.col.{k}") for k in ("indicator", "latest", "place", "left_out")}
    rows = []
    for r in b.indicators:
        c, last = r.comparison, (r.series[-1] if r.series else None)
        rows.append({col["indicator"]: r.indicator.name(lang),
                     col["latest"]: t("barometer.latest", value=last.value_text, year=last.year) if last else None,
                     col["place"]: t("barometer.place_year", place=t("barometer.place", rank=c.home_rank,
                                                                      n=len(c.rows)), year=c.year)
                     if c and c.home_rank else None, col["left_out"]: len(r.left_out)})
    st.dataframe(rows, hide_index=True, width="stretch")


def page(s: Studio) -> None:
    st.header(t("barometer.header"))
    key = corpus_fingerprint(s.settings)
    try:
        base = barometer(s.settings, key, ())
    except StudioError as exc:
        st.error(t("barometer.error", message=i18n.translate(exc.message), fix=i18n.translate(exc.fix)))
        return
    with st.expander(t("barometer.weights"), expanded=s.user.can("editor")):
        weights = _weights_input(base, s.user.can("editor"))
    b = base
    if weights and weights != base.compass.weights:
        try:
            b = barometer(s.settings, key, tuple(sorted(weights.items())))
        except StudioError as exc:  # all weights at zero: said, the positions of the saved weights stay
            st.error(t("barometer.weights_refused", message=i18n.translate(exc.message)))
    _compass(b)
    st.subheader(t("barometer.indicators"))
    _overview(b)
    lang = i18n.lang()
    names = {r.indicator.name(lang): r for r in b.indicators}
    chosen = st.selectbox(t("barometer.indicator"), list(names), key="barometre_indicateur")
    citable: dict[str, list] = {}
    for f in s.snap.facts.values():  # results written by `barometer cite` (notes "barometer: rank teu"), current
        m = re.match(r"^barometer: (?:rank|change) ([a-z0-9_]+)$", f.notes)
        if m and f.derived_from and f.status == "verified" and not f.is_stale(s.settings.today()):
            citable.setdefault(m.group(1), []).append(f)
    _indicator(names[chosen], b.home_name, citable.get(names[chosen].indicator.id))
