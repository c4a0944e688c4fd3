"""The frame of every public page: head (meta description, Open Graph, hreflang alternates), header, footer.

Every page is one language (`<html lang>`); a link or passage in the other language carries its own `lang`.
Links are relative, so the site works from any folder or host; with a base URL, canonical addresses, alternates
and og:url are absolute."""
from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field
from datetime import date

from pipeline.corpus.agency import current as current_agency
from pipeline.publish.dates import og_locale

STYLESHEET = "assets/site.css"
LANGS = ("fr", "en")
AUDIENCES = ("investors", "talents", "general")
LABELS = {
    "fr": {"home": "Accueil",
           "switch": "English", "switch_title": "Read this page in English", "nav": "Navigation principale",
           "filieres": "Filières", "audiences": "Publics", "docs": "Documents à télécharger",
           "approved": "Page approuvée le {d}", "skip": "Aller au contenu",
           "audience": {"investors": "Investisseurs", "talents": "Talents", "general": "Tous publics"},
           "kind": {"page": "Page", "argumentaire": "Argumentaire", "employer_brand": "Marque employeur",
                    "social": "Réseaux sociaux"},
           "about": "Textes approuvés par l'agence ; chaque chiffre renvoie à sa source.",
           "lang_nav": "Langue", "breadcrumb": "Fil d'Ariane", "legal": "© {y}", "facts": "Faits et chiffres",
           "search": "Rechercher", "search_hint": "un chiffre, une page, un document…",
           "search_results": "Résultats de la recherche", "resources": "Ressources"},
    "en": {"home": "Home",
           "switch": "Français", "switch_title": "Lire cette page en français", "nav": "Main navigation",
           "filieres": "Sectors", "audiences": "Audiences", "docs": "Documents to download",
           "approved": "Page approved on {d}", "skip": "Skip to content",
           "audience": {"investors": "Investors", "talents": "Talent", "general": "Everyone"},
           "kind": {"page": "Page", "argumentaire": "Investment case", "employer_brand": "Employer brand",
                    "social": "Social media"},
           "about": "Texts approved by the agency; every figure links to its source.",
           "lang_nav": "Language", "breadcrumb": "Breadcrumb", "legal": "© {y}", "facts": "Facts and figures",
           "search": "Search", "search_hint": "a figure, a page, a document…",
           "search_results": "Search results", "resources": "Resources"},
}


def labels(lang: str) -> dict:
    """The frame's words in `lang`, with the agency's tagline (corpus/territories.yaml, corpus/agency.py)."""
    return {**LABELS.get(lang, LABELS["fr"]), "tagline": current_agency().tagline(lang)}


def agency_name() -> str:
    """The agency's name, as the site, its documents and its open data are signed (corpus/territories.yaml)."""
    return current_agency().name


def other(lang: str) -> str:
    return "en" if lang == "fr" else "fr"


def home_path(lang: str) -> str:
    """The home page of a language: the site's index.html is the French one."""
    return "index.html" if lang == "fr" else "en/index.html"


def audience_path(lang: str, audience: str) -> str:
    return f"{lang}/public-{audience}.html"


def filiere_path(lang: str, filiere: str) -> str:
    return f"{lang}/filiere-{filiere}.html"


def facts_index_path(lang: str) -> str:
    """The resource centre's fact base in a language (the same folder name in both: links are built, not translated)."""
    return f"{lang}/faits/index.html"


BAROMETER_LABEL = {"fr": "Baromètre", "en": "Barometer"}


def barometer_path(lang: str) -> str:
    """The published barometer's first page in a language (publish/barometer.py writes its pages)."""
    return f"{lang}/barometre/index.html"


def facts_path(lang: str, filiere: str) -> str:
    """The fact-base page of one filière; each fact is at its id (`fr/faits/maritime.html#MAR-001`)."""
    return f"{lang}/faits/{filiere}.html"


def resources_path(lang: str) -> str:
    """The Académie's resources (publish/resources_page.py)."""
    return f"{lang}/ressources/index.html"


def rel(from_path: str, to_path: str) -> str:
    """The relative link from one page of the site to another file of it."""
    return posixpath.relpath(to_path, posixpath.dirname(from_path) or ".")


@dataclass(frozen=True)
class Frame:
    """What the frame of one page needs: where it is, its language, its counterpart, its words for the head."""

    path: str
    lang: str
    title: str
    description: str
    alternate: str | None = None          # the same page in the other language, if it exists
    og_type: str = "website"
    crumbs: tuple[tuple[str, str], ...] = ()  # (label, path) between the home page and this one
    footer_note: str = ""                 # e.g. "Page approuvée le 30 novembre 2026" (already escaped)
    year: int = field(default_factory=lambda: date.today().year)  # of the copyright line
    rooted: bool = False                  # links from the site's root ("/…"): a page served at any address (404)


@dataclass
class Site:
    """What every page's navigation shows: the audiences and filières that have pages, in each language."""

    base_url: str = ""
    audiences: dict[str, list[str]] = field(default_factory=dict)     # lang -> audiences with pages
    filieres: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # lang -> [(id, label)]
    fact_base: bool = False  # the resource centre's fact base is published (a link in every page's navigation)
    fact_filiere: dict[str, str] = field(default_factory=dict)  # published fact id -> its filière (its card's page)
    barometer: bool = False  # the barometer is published (a link in every page's navigation)
    search: bool = True  # the search box in every page's header (publish/search.py writes what it loads)
    resources: bool = False  # the Académie's resources page is published (publish/resources_page.py)

    def fact_card(self, lang: str, fact_id: str) -> str | None:
        """The path and anchor of a published fact's card (`fr/faits/maritime.html#MAR-001`), or None."""
        fid = self.fact_filiere.get(fact_id)
        return f"{facts_path(lang, fid)}#{fact_id}" if fid else None

    def url(self, path: str) -> str:
        """The address of a file of the site: absolute with a base URL, else the path from the site's root."""
        return (self.base_url.rstrip("/") + "/" + path) if self.base_url else path


def link(site: Site, f: Frame, to: str) -> str:
    """The href from page `f` to the file `to` of the site."""
    if f.rooted:
        return site.url(to) if site.base_url else "/" + to
    return rel(f.path, to)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _head(site: Site, f: Frame) -> str:
    title = f.title if f.path == home_path(f.lang) else f"{f.title} — {agency_name()}"
    tags = ['<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(title)}</title>", f'<meta name="description" content="{_e(f.description)}">',
            f'<link rel="stylesheet" href="{_e(link(site, f, STYLESHEET))}">',
            f'<meta property="og:site_name" content="{_e(agency_name())}">',
            f'<meta property="og:title" content="{_e(f.title)}">',
            f'<meta property="og:description" content="{_e(f.description)}">',
            f'<meta property="og:type" content="{f.og_type}">',
            f'<meta property="og:locale" content="{og_locale(f.lang)}">']
    if site.base_url:
        tags += [f'<link rel="canonical" href="{_e(site.url(f.path))}">',
                 f'<meta property="og:url" content="{_e(site.url(f.path))}">']
    if f.alternate:
        tags.append(f'<meta property="og:locale:alternate" content="{og_locale(other(f.lang))}">')
        pair = {f.lang: f.path, other(f.lang): f.alternate}
        for lang in LANGS:
            href = site.url(pair[lang]) if site.base_url else link(site, f, pair[lang])
            tags.append(f'<link rel="alternate" hreflang="{lang}" href="{_e(href)}">')
        if site.base_url:
            tags.append(f'<link rel="alternate" hreflang="x-default" href="{_e(site.url(pair["fr"]))}">')
    return "\n".join(tags)


def _header(site: Site, f: Frame) -> str:
    lab, here = labels(f.lang), f.path
    def item(target: str, label: str) -> str:
        current = ' aria-current="page"' if target == here else ""
        return f'<li><a href="{_e(link(site, f, target))}"{current}>{_e(label)}</a></li>'
    nav = [item(home_path(f.lang), lab["home"])]
    nav += [item(audience_path(f.lang, a), lab["audience"][a]) for a in site.audiences.get(f.lang, [])]
    if site.fact_base:
        nav.append(item(facts_index_path(f.lang), lab["facts"]))
    if site.resources:
        nav.append(item(resources_path(f.lang), lab["resources"]))
    if site.barometer:
        nav.append(item(barometer_path(f.lang), BAROMETER_LABEL.get(f.lang, BAROMETER_LABEL["fr"])))
    fil = [item(filiere_path(f.lang, fid), label) for fid, label in site.filieres.get(f.lang, [])]
    o = other(f.lang)
    target = f.alternate or home_path(o)
    switch = (f'<a class="switch" href="{_e(link(site, f, target))}" hreflang="{o}" lang="{o}" '
              f'title="{_e(lab["switch_title"])}">{lab["switch"]}</a>')
    return (f'<a class="skip" href="#main">{lab["skip"]}</a>\n<header class="site-header">\n<div class="bar">\n'
            f'<a class="brand" href="{_e(link(site, f, home_path(f.lang)))}"><span class="brand-name">{_e(agency_name())}</span>'
            f'<span class="brand-tagline">{_e(lab["tagline"])}</span></a>\n'
            f'<nav class="lang" aria-label="{lab["lang_nav"]}">{switch}</nav>\n</div>\n'
            f'<nav class="main-nav" aria-label="{lab["nav"]}">\n<ul class="audiences">{"".join(nav)}</ul>\n'
            + (f'<ul class="filieres" aria-label="{lab["filieres"]}">{"".join(fil)}</ul>\n' if fil else "")
            + "</nav>\n" + (_search_box(site, f) if site.search else "") + "</header>")


def _search_box(site: Site, f: Frame) -> str:
    """The search form (hidden until assets/search.js shows it: without JavaScript there is no dead box)."""
    lab, script = labels(f.lang), "assets/search.js"
    src = link(site, f, script)
    root = src[: -len(script)]
    return (f'<div class="search-bar">\n<form class="search" role="search" hidden>\n'
            f'<label for="search-q">{_e(lab["search"])}</label>\n'
            f'<input id="search-q" type="search" name="q" autocomplete="off" placeholder="{_e(lab["search_hint"])}" '
            'aria-controls="search-results">\n</form>\n'
            f'<section id="search-results" class="search-results" aria-label="{_e(lab["search_results"])}" hidden>\n'
            '<p class="search-status" role="status"></p>\n<ol></ol>\n</section>\n</div>\n'
            f'<script src="{_e(src)}" data-root="{_e(root)}" data-lang="{f.lang}" defer></script>\n')


def _crumbs(site: Site, f: Frame) -> str:
    if not f.crumbs:
        return ""
    lab = labels(f.lang)
    items = [f'<li><a href="{_e(link(site, f, home_path(f.lang)))}">{lab["home"]}</a></li>']
    items += [f'<li><a href="{_e(link(site, f, path))}">{_e(label)}</a></li>' for label, path in f.crumbs]
    return f'<nav class="crumbs" aria-label="{lab["breadcrumb"]}"><ol>{"".join(items)}</ol></nav>\n'


def document(site: Site, f: Frame, body: str) -> str:
    """A whole HTML page: head, header with navigation and language switch, `body` in <main>, footer."""
    lab = labels(f.lang)
    footer = (f'<footer class="site-footer">\n<p class="approved">{f.footer_note}</p>\n' if f.footer_note
              else '<footer class="site-footer">\n')
    footer += (f'<p>{_e(lab["about"])}</p>\n<p><span class="brand-name">{_e(agency_name())}</span> — {_e(lab["tagline"])} · '
               f'{_e(lab["legal"].format(y=f.year))}</p>\n</footer>')
    return (f'<!doctype html>\n<html lang="{f.lang}">\n<head>\n{_head(site, f)}\n</head>\n<body>\n'
            f'{_header(site, f)}\n<main id="main" class="content">\n{_crumbs(site, f)}{body}\n</main>\n{footer}\n'
            "</body>\n</html>\n")


def describe(text: str, limit: int = 160) -> str:
    """A meta description: the first words of the reading text, cut at a word, at most `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—-")
    return cut + "…"
