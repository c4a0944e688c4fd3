"""The published barometer's common parts: its paths, what a publish shows of it (Published), and small pieces.

Small pieces: a fact's link and its source line, a point's tooltip and mark, a data table, a page's frame and body;
the pages themselves are publish/barometer.py's (and barometer_method.py's, barometer_changes.py's)."""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from pipeline.barometer import words as bw
from pipeline.barometer.build import Barometer
from pipeline.barometer.model import IndicatorReport, Point
from pipeline.publish.charts import Mark
from pipeline.publish.facts_pages import source_url
from pipeline.publish.layout import Frame, Site, describe, facts_path, link
from pipeline.publish.render import host
from pipeline.types import Fact

LANGS = ("fr", "en")
CSV_PATH, COMPASS_CSV_PATH, JSON_PATH = "data/barometre.csv", "data/boussole.csv", "data/barometre.json"
STYLESHEET = "assets/barometre.css"
STYLE = Path(__file__).with_name("barometer.css")
COMPARISON_FACTS = "comparaisons"
REPORT_NAMES = {"fr": "barometre-fr", "en": "barometer-en"}  # docs/<name>.pdf|.docx (publish/barometer_report.py)  # <lang>/faits/comparaisons.html


def index_path(lang: str) -> str:
    return f"{lang}/barometre/index.html"


def indicator_path(lang: str, indicator_id: str) -> str:
    return f"{lang}/barometre/{indicator_id}.html"


def method_path(lang: str) -> str:
    return f"{lang}/barometre/methode.html"


def comparison_facts_path(lang: str) -> str:
    return facts_path(lang, COMPARISON_FACTS)


def _e(text) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class Published:
    """What the pages need: the barometer, every fact it shows, and where each fact's card is."""

    b: Barometer
    facts: dict[str, Fact]
    site: Site
    citable: dict[str, list[Fact]] = None  # indicator id -> its results drafts may cite (barometer cite), listed

    def card(self, lang: str, fact_id: str) -> str:
        """The path and anchor of a fact's card: in the fact base if it lists it, else among the comparison facts."""
        return self.site.fact_card(lang, fact_id) or f"{comparison_facts_path(lang)}#{fact_id}"

    def name(self, tid: str, lang: str, perimeter: str = "") -> str:
        t = self.b.territories
        return t.label(tid, lang, perimeter) if t is not None else (tid or self.b.home_name)

    def unit(self, r: IndicatorReport, lang: str) -> str:
        return (r.indicator.unit_fr or r.indicator.unit) if lang == "fr" else r.indicator.unit

    def shown(self) -> list[IndicatorReport]:
        return [r for r in self.b.indicators if r.points()]


def shown_fact_ids(b: Barometer) -> list[str]:
    """Every fact whose figure a page of the barometer shows (the points and the conflicting figures beside them)."""
    return list(dict.fromkeys([p.fact_id for p in b.points()] + [o.fact_id for p in b.points() for o in p.others]))


def _fact_link(pub: Published, frame: Frame, fid: str) -> str:
    return f'<a class="fact-ref" href="{_e(link(pub.site, frame, pub.card(frame.lang, fid)))}">{_e(fid)}</a>'


def _source(f: Fact | None, lang: str) -> str:
    if f is None:
        return ""
    url = source_url(f.source.url)
    title = f"<cite>{_e(f.source.title)}</cite>"
    return (f'<a href="{_e(url)}" rel="noopener noreferrer">{title}</a> <span class="host">{_e(host(url))}</span>'
            if url else title)


def _tip(pub: Published, r: IndicatorReport, p: Point, lang: str) -> str:
    return bw.W[lang]["point_tip"].format(name=pub.name(p.territory, lang, r.indicator.perimeter), year=p.year,
                                          figure=bw.figure(p.value_text, lang), unit=pub.unit(r, lang),
                                          source=p.source_title, fact=p.fact_id) + \
        (f" ({bw.W[lang]['stale']})" if p.stale else "")


def _mark(pub: Published, frame: Frame, r: IndicatorReport, p: Point, label: str) -> Mark:
    return Mark(label, p.value, bw.figure(p.value_text, frame.lang), link(pub.site, frame, pub.card(frame.lang, p.fact_id)),
                _tip(pub, r, p, frame.lang), p.fact_id, p.territory == "", p.stale)


def _table(caption: str, head: list[str], rows: list[list[str]], cls: str = "data") -> str:
    th = "".join(f'<th scope="col">{_e(h)}</th>' for h in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<div class="table-wrap"><table class="{cls}">\n<caption>{_e(caption)}</caption>\n<thead><tr>{th}</tr>'
            f"</thead>\n<tbody>\n{body}\n</tbody>\n</table></div>")


def _frame(pub: Published, path: str, alt: str, lang: str, title: str, desc: str, crumbs=()) -> Frame:
    return Frame(path, lang, title, describe(desc), alt, crumbs=crumbs, year=pub.b.today.year)


def _body(pub: Published, frame: Frame, inner: str) -> str:
    """The page's content, with the barometer's own stylesheet (a <link> the body may hold: the site's one
    stylesheet stays as it is)."""
    css = link(pub.site, frame, STYLESHEET)
    return f'<link rel="stylesheet" href="{_e(css)}">\n<div class="barometer">\n{inner}\n</div>'
