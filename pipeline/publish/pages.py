"""The public site's pages: the texts, the homes, the audience and filière listings, 404.html and sitemap.xml.

One page per approved text and language; one home per language; a listing per audience and per filière.

Titles and texts written by a person or taken from the corpus are escaped; only this code writes markup."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from pipeline.corpus.agency import current as current_agency
from pipeline.errors import PublishError
from pipeline.publish.dates import long_date
from pipeline.publish.fact_changes import Changes
from pipeline.publish.facts_pages import WORDS as FACT_WORDS
from pipeline.publish.facts_pages import FactBase
from pipeline.publish.layout import (
    AUDIENCES,
    LANGS,
    STYLESHEET,
    Frame,
    Site,
    agency_name,
    audience_path,
    describe,
    document,
    facts_index_path,
    filiere_path,
    home_path,
    labels,
    link,
    other,
)
from pipeline.publish.open_data import resource_centre
from pipeline.publish.render import Notes, SourceRef, markdown_to_html, plain_text, sources_html
from pipeline.publish.resources_page import resource_pages, resources_path

STYLE = Path(__file__).with_name("site.css")  # the one stylesheet, shipped in the package (no fonts, no CDN)
OTHER_FILIERE = "autres"
_OTHER_LABEL = {"fr": "Autres sujets", "en": "Other topics"}
_EMPTY = {"fr": "Aucune page approuvée pour l'instant.", "en": "No approved page yet."}


@dataclass(frozen=True)
class Entry:
    """One published page as the listings and the sitemap see it."""

    page_id: str
    lang: str
    kind: str
    audience: str
    filieres: tuple[str, ...]
    title: str
    path: str
    lastmod: date


@dataclass(frozen=True)
class Download:
    """One downloadable document of a language."""

    lang: str
    title: str
    path: str
    format: str   # "docx" | "pdf"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def article_html(site: Site, entry: Entry, text: str, sources: list[SourceRef], approved: date,
                 alternate: str | None, filiere_labels: dict[str, str]) -> str:
    """A published text: kicker (kind, audience), the text with its numbered notes, its sources, the approval day."""
    lang, lab = entry.lang, labels(entry.lang)
    notes = Notes([s.id for s in sources], lang)
    body = markdown_to_html(text, notes, lang)
    if not text.lstrip().startswith("# "):  # social posts carry no title of their own
        body = f"<h1>{_e(entry.title)}</h1>\n{body}"
    kicker = [lab["kind"].get(entry.kind, entry.kind)]
    if entry.audience in lab["audience"]:
        kicker.append(lab["audience"][entry.audience])
    crumbs = tuple((filiere_labels.get(f, f), filiere_path(lang, f)) for f in entry.filieres[:1])
    day = f'<time datetime="{approved.isoformat()}">{_e(long_date(approved, lang))}</time>'
    frame = Frame(entry.path, lang, entry.title, describe(plain_text(text)) or entry.title, alternate,
                  og_type="article", crumbs=crumbs, footer_note=lab["approved"].format(d=day), year=approved.year)
    page = (f'<article class="text kind-{_e(entry.kind)}">\n<p class="kicker">{_e(" · ".join(kicker))}</p>\n'
            f"{body}\n</article>\n{sources_html(sources, lang, notes, fact_links=_cards(site, frame, sources))}")
    return document(site, frame, page)


def _cards(site: Site, frame: Frame, sources: list[SourceRef]) -> dict[str, str]:
    """Cited fact id -> the link from this page to its card in the fact base (published facts only)."""
    cards = {s.id: site.fact_card(frame.lang, s.id) for s in sources}
    return {fid: link(site, frame, path) for fid, path in cards.items() if path}


def _list(site: Site, frame: Frame, entries: list[Entry]) -> str:
    lab = labels(frame.lang)
    items = []
    for e in entries:
        tag = lab["kind"].get(e.kind, e.kind)
        items.append(f'<li><a href="{_e(link(site, frame, e.path))}">{_e(e.title)}</a> '
                     f'<span class="tag">{_e(tag)}</span></li>')
    return '<ul class="pages">\n' + "\n".join(items) + "\n</ul>"


def by_filiere(entries: list[Entry]) -> dict[str, list[Entry]]:
    out: dict[str, list[Entry]] = {}
    for e in entries:
        for f in e.filieres or (OTHER_FILIERE,):
            out.setdefault(f, []).append(e)
    return out


def home_html(site: Site, lang: str, entries: list[Entry], downloads: list[Download],
              filiere_labels: dict[str, str], other_has_pages: bool) -> str:
    """The home page of a language: the audiences, every page by filière, the documents to download."""
    lab = labels(lang)
    agency = current_agency()  # its name, territory and the home's lede: corpus/territories.yaml
    frame = Frame(home_path(lang), lang, f"{agency.name} — {agency.territory(lang)}", agency.intro(lang),
                  home_path(other(lang)) if other_has_pages else None, year=_year(entries))
    mine = [e for e in entries if e.lang == lang]
    parts = [f'<section class="hero">\n<h1>{_e(agency.name)}</h1>\n<p class="lede">{_e(agency.intro(lang))}</p>\n'
             '</section>']
    cards = []
    for a in AUDIENCES:
        n = sum(e.audience == a for e in mine)
        if n:
            cards.append(f'<li><a href="{_e(link(site, frame, audience_path(lang, a)))}">'
                         f'{_e(lab["audience"][a])}</a> <span class="count">{n}</span></li>')
    if cards:
        parts.append(f'<section aria-labelledby="h-audiences">\n<h2 id="h-audiences">{lab["audiences"]}</h2>\n'
                     f'<ul class="cards">{"".join(cards)}</ul>\n</section>')
    groups = by_filiere(mine)
    if groups:
        parts.append(f'<section aria-labelledby="h-filieres">\n<h2 id="h-filieres">{lab["filieres"]}</h2>')
        for fid, of in _ordered(groups, filiere_labels):
            label = filiere_labels.get(fid, _OTHER_LABEL[lang] if fid == OTHER_FILIERE else fid)
            head = (f'<a href="{_e(link(site, frame, filiere_path(lang, fid)))}">{_e(label)}</a>'
                    if fid != OTHER_FILIERE else _e(label))
            parts.append(f'<h3 id="filiere-{_e(fid)}">{head}</h3>\n{_list(site, frame, of)}')
        parts.append("</section>")
    else:
        parts.append(f"<p>{_EMPTY[lang]}</p>")
    if site.fact_base:
        fw = FACT_WORDS[lang]
        parts.append(f'<section id="faits" aria-labelledby="h-faits">\n<h2 id="h-faits">{_e(fw["title"])}</h2>\n'
                     f'<p><a href="{_e(link(site, frame, facts_index_path(lang)))}">{_e(fw["centre"])}</a> — '
                     f'{_e(fw["intro"].format(a=agency.name))}</p>\n</section>')
    docs = [d for d in downloads if d.lang == lang]
    if docs:
        rows = "\n".join(f'<li><a href="{_e(link(site, frame, d.path))}" download>{_e(d.title)}</a> '
                         f'<span class="tag">{d.format.upper()}</span></li>' for d in docs)
        parts.append(f'<section id="documents" aria-labelledby="h-docs">\n<h2 id="h-docs">{lab["docs"]}</h2>\n'
                     f'<ul class="pages">\n{rows}\n</ul>\n</section>')
    return document(site, frame, "\n".join(parts))


def _year(entries: list[Entry]) -> int:
    """The year of the newest approval (the copyright line of a listing)."""
    return max((e.lastmod.year for e in entries), default=date.today().year)


def _ordered(groups: dict[str, list[Entry]], filiere_labels: dict[str, str]) -> list[tuple[str, list[Entry]]]:
    order = {fid: n for n, fid in enumerate(filiere_labels)}
    return sorted(groups.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))


def hub_html(site: Site, lang: str, path: str, title: str, entries: list[Entry], alternate: str | None,
             filiere_labels: dict[str, str], group: str) -> str:
    """A listing page: the pages of one audience grouped by filière, or of one filière grouped by audience."""
    lab = labels(lang)
    colon = " : " if lang == "fr" else ": "
    frame = Frame(path, lang, title, describe(f"{title} — {agency_name()}{colon}" + ", ".join(e.title for e in entries)),
                  alternate, year=_year(entries))
    parts = [f"<h1>{_e(title)}</h1>"]
    if group == "filiere":
        for fid, of in _ordered(by_filiere(entries), filiere_labels):
            parts.append(f"<h2>{_e(filiere_labels.get(fid, _OTHER_LABEL[lang]))}</h2>\n{_list(site, frame, of)}")
    else:
        for a in AUDIENCES:
            of = [e for e in entries if e.audience == a]
            if of:
                parts.append(f"<h2>{_e(lab['audience'][a])}</h2>\n{_list(site, frame, of)}")
        rest = [e for e in entries if e.audience not in AUDIENCES]
        if rest:
            parts.append(f"<h2>{_OTHER_LABEL[lang]}</h2>\n{_list(site, frame, rest)}")
    return document(site, frame, "\n".join(parts))


def not_found_html(site: Site) -> str:
    """The 404 page, in French with its English twin paragraph; its links work from any address."""
    frame = Frame("404.html", "fr", "Page introuvable", "Cette page n'existe pas ou a été retirée.", rooted=True)
    body = (f'<section class="notfound">\n<h1>Page introuvable</h1>\n<p>Cette page n\'existe pas ou a été retirée '
            f'du site. Retrouvez tous nos textes depuis <a href="{_e(link(site, frame, home_path("fr")))}">'
            f"l'accueil</a>.</p>\n"
            f'<div lang="en">\n<h2>Page not found</h2>\n<p>This page does not exist or has been withdrawn. Find every '
            f'text from the <a href="{_e(link(site, frame, home_path("en")))}" hreflang="en">home page</a>.</p>\n'
            "</div>\n</section>")
    return document(site, frame, body)


def sitemap_xml(site: Site, pages: list[tuple[str, date, dict[str, str]]]) -> str:
    """sitemap.xml: every page (path, last change, {lang: path} of its language versions), with hreflang links."""
    rows = []
    for path, lastmod, versions in pages:
        alts = "".join(f'\n  <xhtml:link rel="alternate" hreflang="{lang}" href="{_e(site.url(versions[lang]))}"/>'
                       for lang in LANGS if lang in versions) if len(versions) > 1 else ""
        rows.append(f"<url>\n  <loc>{_e(site.url(path))}</loc>\n  <lastmod>{lastmod.isoformat()}</lastmod>{alts}\n"
                    "</url>")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n")


def site_of(entries: list[Entry], filiere_labels: dict[str, dict[str, str]], base_url: str = "",
            fact_base: FactBase | None = None, barometer=None, resources=None) -> Site:
    """What every page's navigation shows for these pages (write_pages' pages and the kit's alike)."""
    site = Site(base_url=base_url, fact_base=bool(fact_base and fact_base.facts),
                fact_filiere={f.id: f.filiere for f in fact_base.facts} if fact_base else {},
                barometer=barometer is not None, resources=bool(resources))
    for lang in LANGS:
        mine = [e for e in entries if e.lang == lang]
        site.audiences[lang] = [a for a in AUDIENCES if any(e.audience == a for e in mine)]
        fil = {f for e in mine for f in e.filieres}
        labels_of = filiere_labels.get(lang, {})
        site.filieres[lang] = [(f, labels_of.get(f, f)) for f in [*labels_of, *sorted(fil - set(labels_of))]
                               if f in fil]
    return site


def write_pages(entries: list[Entry], texts: dict[tuple[str, str], tuple[str, list[SourceRef], date]],
                downloads: list[Download], filiere_labels: dict[str, dict[str, str]], base_url: str = "",
                fact_base: FactBase | None = None, data_dates: tuple[datetime, datetime] | None = None,
                changes: Changes | None = None, barometer=None, resources=None,
                also_listed: tuple = ()) -> list[tuple[str, str]]:
    """Every HTML page of the site, sitemap.xml and the stylesheet, as (path, content).

    With `barometer` ((Barometer, every fact of the corpus)), the barometer's pages and data (publish/barometer.py).

    With `fact_base`, the resource centre too: its pages and open-data files (`data_dates`: created, modified), and
    what changed since the previous publish (`changes`, publish/fact_changes.py)."""
    site = site_of(entries, filiere_labels, base_url, fact_base, barometer, resources)
    langs_of: dict[str, set[str]] = {}
    for e in entries:
        langs_of.setdefault(e.page_id, set()).add(e.lang)
    out: list[tuple[str, str]] = []
    listed: list[tuple[str, date, dict[str, str]]] = []
    newest = max((e.lastmod for e in entries), default=date.today())
    for e in entries:
        o = other(e.lang)
        alt = f"{o}/{e.page_id}.html" if o in langs_of[e.page_id] else None
        text, sources, approved = texts[(e.page_id, e.lang)]
        out.append((e.path, article_html(site, e, text, sources, approved, alt, filiere_labels.get(e.lang, {}))))
        listed.append((e.path, e.lastmod, {e.lang: e.path, **({o: alt} if alt else {})}))
    has = {lang: any(e.lang == lang for e in entries) for lang in LANGS}
    for lang in LANGS:
        alt = home_path(other(lang)) if has[other(lang)] else None
        out.append((home_path(lang), home_html(site, lang, entries, downloads, filiere_labels.get(lang, {}),
                                               has[other(lang)])))
        listed.append((home_path(lang), newest, {lang: home_path(lang), **({other(lang): alt} if alt else {})}))
    for lang in LANGS:
        mine = [e for e in entries if e.lang == lang]
        theirs = [e for e in entries if e.lang == other(lang)]
        lab = labels(lang)
        hubs = [(audience_path(lang, a), lab["audience"][a], [e for e in mine if e.audience == a], "filiere",
                 audience_path(other(lang), a) if any(e.audience == a for e in theirs) else None)
                for a in site.audiences[lang]]
        hubs += [(filiere_path(lang, f), label, [e for e in mine if f in e.filieres], "audience",
                  filiere_path(other(lang), f) if any(f in e.filieres for e in theirs) else None)
                 for f, label in site.filieres[lang]]
        for path, title, of, group, alt in hubs:
            out.append((path, hub_html(site, lang, path, title, of, alt, filiere_labels.get(lang, {}), group)))
            listed.append((path, max(e.lastmod for e in of), {lang: path, **({other(lang): alt} if alt else {})}))
    if site.fact_base:
        created, modified = data_dates or (datetime.now(), datetime.now())
        more = ()
        if barometer is not None:  # its CSVs, in the data package after the facts' (publish/barometer_data.py)
            from pipeline.publish.barometer import data_resources
            more = tuple(data_resources(barometer[0]))
        fact_pages, files = resource_centre(site, fact_base, filiere_labels, created, modified, changes, more)
        for path, page_html, day, versions in fact_pages:
            out.append((path, page_html))
            listed.append((path, day, versions))
        out += files
    if barometer is not None:
        from pipeline.publish.barometer import barometer_pages
        bar_pages, bar_files = barometer_pages(site, *barometer)
        for path, page_html, day, versions in bar_pages:
            out.append((path, page_html))
            listed.append((path, day, versions))
        out += bar_files
    if resources:  # the Académie's resources (publish/resources_page.py)
        for path, page_html in resource_pages(site, resources):
            out.append((path, page_html))
            listed.append((path, max(r.date for r in resources), {x: resources_path(x) for x in LANGS}))
    out.append(("404.html", not_found_html(site)))
    listed += list(also_listed)  # pages written by others (the ambassadors' kit: publish/kit.py)
    out.append(("sitemap.xml", sitemap_xml(site, listed)))
    out.append((STYLESHEET, STYLE.read_text(encoding="utf-8")))
    _no_clash(entries, [path for path, _ in out])
    return out


def _no_clash(entries: list[Entry], paths: list[str]) -> None:
    """A page whose id is the name of a home or a listing (index, public-…, filiere-…) would replace it."""
    seen = {}
    for path in paths:
        seen[path] = seen.get(path, 0) + 1
    clash = sorted({e.page_id for e in entries if seen.get(e.path, 0) > 1})
    if clash:
        raise PublishError(f"catalogue id(s) {', '.join(clash)} name a page the site makes itself (its home or a "
                           "listing); nothing was published",
                           fix="rename the item in corpus/pages.yaml (not 'index', 'public-…' or 'filiere-…'), "
                               "draft and approve it again")
