"""The published barometer: its pages in French and English, its charts, its data and the cards of its facts.

Written by `publish` when the corpus defines indicators (corpus/indicators.yaml), from pipeline.barometer's figures
only: every point on a chart and every figure in a table is one fact's value (in the page's language's way of
writing numbers), and links to that fact's card: a home fact's card in the fact base (`faits/<filière>.html#ID`), a
comparison fact's (a peer's, or the home's gathered for comparison, which the fact base leaves out) on
`<lang>/faits/comparaisons.html#ID`, written here with the fact base's own cards. Pages:

- `<lang>/barometre/index.html`: the compass (one radar per territory, its table, the robustness) and the indicators;
- `<lang>/barometre/<indicator>.html`: the home's series and the place among peers, each chart with its table, what
  is missing or left out and why, conflicting figures, the sources;
- `<lang>/barometre/methode.html`: perimeters, year tolerance, weights, normalisation, robustness, every source;
- `data/barometre.csv` (one row per point), `data/boussole.csv` (the compass), `data/barometre.json` (all of it).
"""
from __future__ import annotations

import json
import re
from datetime import date

from pipeline.barometer import words as bw
from pipeline.barometer.build import Barometer
from pipeline.barometer.compass import MIN_COVERAGE, SPREAD
from pipeline.barometer.model import YEAR_TOLERANCE, IndicatorReport, Point
from pipeline.errors import PublishError
from pipeline.publish.barometer_base import (  # noqa: F401 (the pages of barometer_*.py use them as bp.…)
    COMPARISON_FACTS,
    COMPASS_CSV_PATH,
    CSV_PATH,
    JSON_PATH,
    LANGS,
    REPORT_NAMES,
    STYLE,
    STYLESHEET,
    Published,
    _body,
    _e,
    _fact_link,
    _frame,
    _mark,
    _source,
    _table,
    _tip,
    comparison_facts_path,
    index_path,
    indicator_path,
    method_path,
    shown_fact_ids,
)
from pipeline.publish.charts import Mark, Radar, bars_svg, line_svg, radar_svgs
from pipeline.publish.dates import long_date
from pipeline.publish.facts_pages import FactBase, fact_card
from pipeline.publish.layout import Frame, Site, document, link
from pipeline.types import Fact


# ------------------------------------------------------------------ the index: compass and indicators
def _compass_section(pub: Published, frame: Frame) -> str:
    lang, w, c = frame.lang, bw.W[frame.lang], pub.b.compass
    parts = [f'<section id="boussole" aria-labelledby="h-compass">\n<h2 id="h-compass">{_e(w["compass"])}</h2>',
             f'<p>{_e(w["compass_intro"])} <a href="{_e(link(pub.site, frame, method_path(lang)))}#boussole">'
             f'{_e(w["see_method"])}</a></p>']
    dims = sorted({d for d in c.dimension_of.values() if any(d in v for v in c.dimensions.values())})
    order = sorted(c.names, key=lambda t: (c.ranks.get(t) or 999, c.overall.get(t) is None, c.names[t]))
    if not dims or not order:
        return "\n".join(parts + ["</section>"])
    radars, rows = [], []
    method = link(pub.site, frame, method_path(lang))
    for t in order:
        name, rank = pub.name(t, lang), c.ranks.get(t)
        caption = (f"{bw.ordinal(rank, lang)} · {bw.score(c.overall[t], lang)}" if rank
                   else f"{w['not_ranked']} · {bw.score(c.overall.get(t), lang)}")
        scores = [c.dimensions.get(t, {}).get(d) for d in dims]
        marks = [None if s is None else
                 Mark(bw.dimension(d, lang), round(s, 1), bw.score(s, lang), f"{method}#dim-{_slug(d)}",
                      w["score_tip"].format(name=name, dimension=bw.dimension(d, lang), score=bw.score(s, lang)),
                      "", t == "") for d, s in zip(dims, scores)]
        radars.append(Radar(name, caption, [None if s is None else round(s, 1) for s in scores], marks, t == ""))
        rows.append([_e(bw.ordinal(rank, lang)) if rank else _e(w["not_ranked"]),
                     f"<strong>{_e(name)}</strong>" if t == "" else _e(name), _e(bw.score(c.overall.get(t), lang)),
                     *[_e(bw.score(s, lang)) for s in scores], _e(bw.percent(c.coverage.get(t, 0), lang)),
                     _e(bw.percent(c.robustness[t], lang)) if t in c.robustness else w["none"]])
    home = next((r for r in radars if r.highlight), None)
    summary = (f"{home.name} : {home.caption}." if lang == "fr" else f"{home.name}: {home.caption}.") if home else ""
    charts = radar_svgs("chart-compass", [bw.dimension(d, lang, short=True) for d in dims], radars,
                        (w["radar_title"], w["radar_desc"]))
    caption = w["compass_desc"].format(k=len(dims), dims=", ".join(bw.dimension(d, lang) for d in dims),
                                       summary=summary)
    parts.append(f'<figure class="chart chart-compass" aria-label="{_e(w["compass_chart"])}">\n<div class="radars">\n'
                 + "\n".join(charts) + f'\n</div>\n<figcaption>{_e(caption)}</figcaption>\n</figure>')
    parts.append(_table(w["compass_table"], [w["rank"], w["territory"], w["overall"],
                                             *[bw.dimension(d, lang) for d in dims], w["coverage"], w["robustness"]],
                        rows))
    if c.all_kept is not None:
        parts.append(f'<p>{_e(w["robust_all"].format(p=bw.percent(c.all_kept, lang), n=bw.format_decimal(c.draws, locale=bw.LOCALES[lang])))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _slug(d: str) -> str:
    import unicodedata
    s = unicodedata.normalize("NFKD", d).encode("ascii", "ignore").decode()
    return "-".join(s.lower().split())


def _place(pub: Published, r: IndicatorReport, lang: str) -> str:
    c, w = r.comparison, bw.W[lang]
    if c is None:
        return w["none"]
    if not c.home_rank:
        return w["unplaced"].format(home=pub.b.home_name)
    return w["place"].format(rank=bw.ordinal(c.home_rank, lang), n=len(c.rows)) + f" ({c.year})"


def lede(pub: Published, lang: str) -> str:
    peers = {p.territory for p in pub.b.points() if p.territory}
    return bw.W[lang]["lede"].format(home=pub.b.home_name, n=len(peers), d=long_date(pub.b.today, lang))


def index_page(pub: Published, lang: str, frame: Frame | None = None, whole: bool = True) -> str:
    """The barometer's first page (whole: the HTML page; else its content, for the report)."""
    w, b = bw.W[lang], pub.b
    frame = frame or _frame(pub, index_path(lang), index_path(bw_other(lang)), lang, w["title"], lede(pub, lang))
    rows = []
    for r in pub.shown():
        last = r.series[-1] if r.series else None
        latest = (f"{_e(bw.figure(last.value_text, lang))} {_e(pub.unit(r, lang))} ({last.year}) · "
                  f"{_fact_link(pub, frame, last.fact_id)}" if last else w["none"])
        rows.append([f'<a href="{_e(link(pub.site, frame, indicator_path(lang, r.indicator.id)))}">'
                     f'{_e(r.indicator.name(lang))}</a>',
                     _e(bw.dimension(r.indicator.dimension, lang)) if r.indicator.dimension else _e(w["no_compass"]),
                     latest, _e(_place(pub, r, lang))])
    pdf, docx = f"docs/{REPORT_NAMES[lang]}.pdf", f"docs/{REPORT_NAMES[lang]}.docx"
    data = [(w["report"] + " (PDF)", pdf, "PDF"), (w["report"] + " (DOCX)", docx, "DOCX"),
            (w["csv"], CSV_PATH, "CSV"), (w["compass_csv"], COMPASS_CSV_PATH, "CSV"), (w["json"], JSON_PATH, "JSON")]
    downloads = "\n".join(f'<li><a href="{_e(link(pub.site, frame, p))}" download>{_e(t)}</a> '
                          f'<span class="tag">{fmt}</span></li>' for t, p, fmt in data)
    body = [f'<section class="hero">\n<h1>{_e(w["title"])}</h1>\n<p class="lede">{_e(lede(pub, lang))}</p>\n</section>',
            since_section(pub, frame),
            _compass_section(pub, frame),
            f'<section id="indicateurs" aria-labelledby="h-ind">\n<h2 id="h-ind">{_e(w["indicators"])}</h2>',
            _table(w["indicators_table"].format(home=b.home_name),
                   [w["indicator"], w["dimension"], w["latest"], w["place_col"]], rows), "</section>",
            f'<section id="donnees" aria-labelledby="h-data">\n<h2 id="h-data">{_e(w["downloads"])}</h2>\n'
            f'<ul class="pages">\n{downloads}\n</ul>\n<p><a href="{_e(link(pub.site, frame, method_path(lang)))}">'
            f'{_e(w["method"])}</a></p>\n</section>']
    return document(pub.site, frame, _body(pub, frame, "\n".join(body))) if whole else "\n".join(body[:-1])


def bw_other(lang: str) -> str:
    return "en" if lang == "fr" else "fr"


# ------------------------------------------------------------------ one indicator
def _point_row(pub: Published, frame: Frame, r: IndicatorReport, p: Point, extra: list[str]) -> list[str]:
    lang, w = frame.lang, bw.W[frame.lang]
    others = ", ".join(f"{_fact_link(pub, frame, o.fact_id)} ({_e(bw.figure(o.value_text, lang))})"
                       for o in p.others)
    return [*extra, f"{_e(bw.figure(p.value_text, lang))} {_e(pub.unit(r, lang))}"
            + (f' <span class="stale-mark">{_e(w["stale"])}</span>' if p.stale else ""),
            _fact_link(pub, frame, p.fact_id), _source(pub.facts.get(p.fact_id), lang), others or w["none"]]


def indicator_page(pub: Published, r: IndicatorReport, lang: str, frame: Frame | None = None, whole: bool = True
                   ) -> str:
    """One indicator's page (whole: the HTML page; else its content, for the report)."""
    w, ind, home = bw.W[lang], r.indicator, pub.name("", lang, r.indicator.perimeter)
    name, unit = ind.name(lang), pub.unit(r, lang)
    compass = (w["in_compass"].format(dimension=bw.dimension(ind.dimension, lang), weight=_weight(pub, ind.id, lang))
               if ind.dimension and pub.b.compass.weights.get(ind.id, 0) > 0 else w["no_compass"])
    meta = w["meta"].format(unit=unit, perimeter=bw.perimeter(ind.perimeter, lang), direction=w[ind.direction],
                            compass=compass)
    frame = frame or _frame(pub, indicator_path(lang, ind.id), indicator_path(bw_other(lang), ind.id), lang,
                            f"{name} — {w['title']}", f"{name} : {meta}" if lang == "fr" else f"{name}: {meta}",
                            crumbs=((w["title"], index_path(lang)),))
    parts = [f"<h1>{_e(name)}</h1>", f'<p class="lede">{_e(meta)}</p>',
             f'<section aria-labelledby="h-series">\n<h2 id="h-series">{_e(w["series"].format(home=home))}</h2>']
    if r.series:
        marks = [_mark(pub, frame, r, p, str(p.year)) for p in r.series]
        desc = w["series_desc"].format(n=len(marks), points="; ".join(f"{p.year} : {m.text}" if lang == "fr" else
                                                                     f"{p.year}: {m.text}"
                                                                     for p, m in zip(r.series, marks)))
        svg = line_svg(f"chart-{ind.id}-series", w["series_chart"].format(name=name, home=home, unit=unit), desc,
                       marks, invert=ind.direction == "lower")
        parts.append(_figure(svg, marks, lang))
        parts.append(_table(w["table"] + f" — {w['series'].format(home=home)}",
                            [w["year"], w["figure"], w["fact"], w["source"], w["others"]],
                            [_point_row(pub, frame, r, p, [str(p.year)]) for p in r.series]))
    else:
        parts.append(f'<p>{_e(w["no_series"].format(home=home))}</p>')
    parts.append("</section>")
    parts.append(_comparison(pub, frame, r, home, name, unit))
    parts.append(_citable(pub, frame, r))
    parts.append(_conflicts(pub, frame, r))
    parts.append(_left_out(pub, frame, r))
    parts.append(_sources(pub, frame, [p.fact_id for p in r.points()] + [o.fact_id for p in r.points()
                                                                          for o in p.others]))
    inner = "\n".join(p for p in parts if p)
    return document(pub.site, frame, _body(pub, frame, inner)) if whole else inner


def _figure(svg: str, marks: list[Mark], lang: str) -> str:
    """A chart in its figure; when some of its figures are past their review date, a caption says how they are drawn."""
    stale = sum(m.stale for m in marks)
    note = f"\n<figcaption>{_e(bw.W[lang]['stale_legend'].format(n=stale))}</figcaption>" if stale else ""
    return f'<figure class="chart">\n{svg}{note}\n</figure>'


def _weight(pub: Published, iid: str, lang: str) -> str:
    return bw.format_decimal(pub.b.compass.weights.get(iid, 0), locale=bw.LOCALES[lang])


def _comparison(pub: Published, frame: Frame, r: IndicatorReport, home: str, name: str, unit: str) -> str:
    lang, w, c = frame.lang, bw.W[frame.lang], r.comparison
    if c is None:
        if not r.series:
            return ""
        why = w["one_territory"] if not any(p.territory for p in r.points()) else w["no_common_year"]
        return f'<section aria-labelledby="h-comp">\n<h2 id="h-comp">{_e(w["comparison"].format(year="—"))}</h2>' \
               f"\n<p>{_e(why)}</p>\n</section>"
    place = _place(pub, r, lang)
    labels = [pub.name(x.point.territory, lang, r.indicator.perimeter)
              + (f" ({x.point.year})" if x.year_gap else "") for x in c.rows]
    marks = [_mark(pub, frame, r, x.point, label) for x, label in zip(c.rows, labels)]
    desc = w["comparison_desc"].format(home=home, place=place, rows="; ".join(
        f"{x.rank}. {label} {m.text}" for x, label, m in zip(c.rows, labels, marks)))
    svg = bars_svg(f"chart-{r.indicator.id}-peers", w["comparison_chart"].format(name=name, year=c.year, unit=unit),
                   desc, marks, invert=r.indicator.direction == "lower")
    rows = [_point_row(pub, frame, r, x.point, [str(x.rank), (f"<strong>{_e(label)}</strong>" if x.point.territory
                                                                == "" else _e(label)),
                                                   str(x.point.year) + (f" ({_e(w['year_gap'].format(ref=c.year))})"
                                                                        if x.year_gap else "")])
            for x, label in zip(c.rows, [pub.name(x.point.territory, lang, r.indicator.perimeter) for x in c.rows])]
    parts = [f'<section aria-labelledby="h-comp">\n<h2 id="h-comp">{_e(w["comparison"].format(year=c.year))}</h2>',
             f"<p>{_e(home)} : {_e(place)}.</p>" if lang == "fr" else f"<p>{_e(home)}: {_e(place)}.</p>",
             _figure(svg, marks, lang),
             _table(w["table"] + f" — {w['comparison'].format(year=c.year)}",
                    [w["rank"], w["territory"], w["year"], w["figure"], w["fact"], w["source"], w["others"]], rows)]
    if c.missing:
        names = ", ".join(w["missing_one"].format(name=pub.name(_tid(pub, n), lang, r.indicator.perimeter), year=y)
                          for n, y in c.missing)
        parts.append(f'<p class="missing">{_e(w["missing"].format(year=c.year, names=names))}</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _tid(pub: Published, name: str) -> str:
    """A territory's id from its French name (Comparison.missing keeps names)."""
    t = pub.b.territories
    if t is None:
        return name
    return next((tid for tid, x in t.items.items() if name in (x.name_fr, *x.names.values())), name)


def _citable(pub: Published, frame: Frame, r: IndicatorReport) -> str:
    """The results of this indicator written as facts drafts may cite (`barometer cite`), each with its card."""
    lang, w = frame.lang, bw.W[frame.lang]
    mine = [f for f in (pub.citable or {}).get(r.indicator.id, []) if pub.site.fact_card(lang, f.id)]
    if not mine:
        return ""
    items = "\n".join(f'<li><a class="fact-ref" href="{_e(link(pub.site, frame, pub.site.fact_card(lang, f.id)))}">'
                      f"{_e(f.id)}</a> · {_e(f.wording(lang) or f.statement(lang))}</li>" for f in mine)
    return (f'<section aria-labelledby="h-cite">\n<h2 id="h-cite">{_e(w["citable"])}</h2>\n<p>{_e(w["citable_intro"])}'
            f"</p>\n<ul>\n{items}\n</ul>\n</section>")


def _conflicts(pub: Published, frame: Frame, r: IndicatorReport) -> str:
    lang, w = frame.lang, bw.W[frame.lang]
    lines = []
    for p in r.points():
        differ = [o for o in p.others if not o.agrees]
        if not differ or any(p.fact_id in line for line in lines):
            continue
        others = "; ".join(w["other_gives"].format(fact=_fact_link(pub, frame, o.fact_id),
                                                   value=_e(bw.figure(o.value_text, lang))) for o in differ)
        lines.append(f"<li>{w['conflict_line'].format(name=_e(pub.name(p.territory, lang, r.indicator.perimeter)), year=p.year, used=_fact_link(pub, frame, p.fact_id), value=_e(bw.figure(p.value_text, lang)), others=others)}</li>")
    if not lines:
        return ""
    return (f'<section aria-labelledby="h-conf">\n<h2 id="h-conf">{_e(w["conflicts"])}</h2>\n<ul>\n'
            + "\n".join(lines) + "\n</ul>\n</section>")


def _left_out(pub: Published, frame: Frame, r: IndicatorReport) -> str:
    lang, w, ind = frame.lang, bw.W[frame.lang], r.indicator
    if not r.left_out:
        return ""
    items = []
    for x in r.left_out:
        card = pub.site.fact_card(lang, x.fact_id)  # a left-out comparison fact has no card: its id, its reason
        fid = (f'<a class="fact-ref" href="{_e(link(pub.site, frame, card))}">{_e(x.fact_id)}</a>' if card
               else f'<span class="fact-ref">{_e(x.fact_id)}</span>')
        reason = bw.REASONS.get(x.kind, (x.reason, x.reason))[lang == "en"].format(
            unit=pub.unit(r, lang), perimeter=bw.perimeter(ind.perimeter, lang))
        who = pub.name(x.territory if x.territory != pub.b.home else "", lang, ind.perimeter)
        items.append(f"<li>{fid} · {_e(who)}{f' · {x.year}' if x.year else ''} : {_e(reason)}</li>"
                     if lang == "fr" else f"<li>{fid} · {_e(who)}{f' · {x.year}' if x.year else ''}: {_e(reason)}</li>")
    return (f'<section aria-labelledby="h-out">\n<h2 id="h-out">{_e(w["left_out"])}</h2>\n<p>{_e(w["left_out_intro"])}'
            "</p>\n<ul>\n" + "\n".join(items) + "\n</ul>\n</section>")


def _sources(pub: Published, frame: Frame, ids: list[str]) -> str:
    w = bw.W[frame.lang]
    items = [f"<li>{_fact_link(pub, frame, fid)} · {_source(pub.facts.get(fid), frame.lang)}"
             f"{f' · {pub.facts[fid].year}' if fid in pub.facts and pub.facts[fid].year else ''}</li>"
             for fid in dict.fromkeys(ids)]
    if not items:
        return ""
    return (f'<section class="sources" aria-labelledby="h-src">\n<h2 id="h-src">{_e(w["sources"])}</h2>\n<ul>\n'
            + "\n".join(items) + "\n</ul>\n</section>")


# ------------------------------------------------------------------ the comparison facts' cards
def comparison_facts_page(pub: Published, lang: str) -> str | None:
    """The cards of every fact the barometer shows that the fact base does not list, as the fact base draws them."""
    w = bw.W[lang]
    facts = [pub.facts[i] for i in shown_fact_ids(pub.b) if i in pub.facts and not pub.site.fact_card(lang, i)]
    if not facts:
        return None
    base = FactBase(tuple(facts), pub.b.today, {}, {})  # conflicts: said on the indicator pages, linked there
    frame = _frame(pub, comparison_facts_path(lang), comparison_facts_path(bw_other(lang)), lang,
                   w["comparison_facts"], w["comparison_facts_intro"],
                   crumbs=((bw.W[lang]["title"], index_path(lang)),))
    cards = "\n".join(fact_card(pub.site, frame, base, f) for f in sorted(facts, key=lambda f: f.id))
    return document(pub.site, frame, f'<h1>{_e(w["comparison_facts"])}</h1>\n<p class="lede">'
                    f'{_e(w["comparison_facts_intro"])}</p>\n<section class="facts">\n{cards}\n</section>')


from pipeline.publish.barometer_changes import since_section  # noqa: E402  (it uses the above)
from pipeline.publish.barometer_data import (  # noqa: E402  (they use the above)
    CSV_FIELDS,
    compass_rows,
    csv_text,
    data_resources,
    point_rows,
)
from pipeline.publish.barometer_method import method_page  # noqa: E402  (it uses the pieces above)


def published(site: Site, b: Barometer, facts: list[Fact]) -> Published:
    """What the pages and the report show: the barometer, the facts behind it, its citable results."""
    by_id = {f.id: f for f in facts}
    citable: dict[str, list[Fact]] = {}
    for f in facts:  # the results `barometer cite` wrote (notes "barometer: rank teu"), still current
        m = re.match(r"^barometer: (?:rank|change) ([a-z0-9_]+)$", f.notes)
        if m and f.derived_from and f.status == "verified" and not f.is_stale(b.today):
            citable.setdefault(m.group(1), []).append(f)
    return Published(b, {i: by_id[i] for i in shown_fact_ids(b) if i in by_id}, site, citable)


def barometer_pages(site: Site, b: Barometer, facts: list[Fact]
                    ) -> tuple[list[tuple[str, str, date, dict[str, str]]], list[tuple[str, str]]]:
    """The barometer's pages (path, html, last change, {lang: path}) and data files (path, content)."""
    if COMPARISON_FACTS in {f.filiere for f in facts}:
        raise PublishError(f"a filière is named {COMPARISON_FACTS!r}: its fact-base page would be the barometer's "
                           "comparison facts", fix="rename that filière in corpus/filieres.yaml")
    pub = published(site, b, facts)
    day = max((f.verified_on for f in pub.facts.values()), default=b.today)
    both = {x: index_path(x) for x in LANGS}
    pages = [(index_path(lang), index_page(pub, lang), day, both) for lang in LANGS]
    pages += [(method_path(lang), method_page(pub, lang), day, {x: method_path(x) for x in LANGS}) for lang in LANGS]
    for r in pub.shown():
        pages += [(indicator_path(lang, r.indicator.id), indicator_page(pub, r, lang), day,
                   {x: indicator_path(x, r.indicator.id) for x in LANGS}) for lang in LANGS]
    for lang in LANGS:
        page = comparison_facts_page(pub, lang)
        if page:
            pages.append((comparison_facts_path(lang), page, day, {x: comparison_facts_path(x) for x in LANGS}))
    fields, crow = compass_rows(pub)
    doc = {**b.to_json(), "fact_pages": {i: {x: site.url(pub.card(x, i)) for x in LANGS} for i in pub.facts}}
    files = [(CSV_PATH, csv_text(list(CSV_FIELDS), point_rows(pub))), (COMPASS_CSV_PATH, csv_text(fields, crow)),
             (JSON_PATH, json.dumps(doc, ensure_ascii=False, indent=1) + "\n"),
             (STYLESHEET, STYLE.read_text(encoding="utf-8"))]
    return pages, files


# YEAR_TOLERANCE, MIN_COVERAGE and SPREAD are read from here by the method page (barometer_method.py); data_resources
# by publish/pages.py (the CSVs' entries in datapackage.json)
__all__ = ["barometer_pages", "published", "data_resources", "index_path", "method_path", "indicator_path",
           "comparison_facts_path", "YEAR_TOLERANCE", "MIN_COVERAGE", "SPREAD"]
