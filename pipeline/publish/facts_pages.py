"""The resource centre's fact base: which facts the public sees, and a page per filière and language listing them.

Published: every verified fact that is not retired, not superseded, about the home territory (a fact naming a
`territory` is a comparison fact for the barometer and is left out, as drafts leave it out) and dated (a year, a
source address, a review date). Each fact is at `<lang>/faits/<filière>.html#<ID>` in both languages; the facts past
their review date are listed apart on the same page, under their own heading, each marked. A fact with no wording in
the page's language shows its verified statement in that language, marked; an English page shows a fact with no
English text at all in French (`lang="fr"`), marked. Conflicting facts are shown side by side under each of them."""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from pipeline.corpus.relations import conflict_map, superseded_map
from pipeline.publish.dates import long_date
from pipeline.publish.layout import (
    Frame,
    Site,
    agency_name,
    describe,
    document,
    facts_index_path,
    facts_path,
    link,
    other,
)
from pipeline.publish.render import host, lang_attr
from pipeline.types import Fact

SEED = "seed import"
WORDS = {
    "fr": {"title": "Faits et chiffres", "centre": "Centre de ressources : faits et chiffres",
           "intro": "Tous les chiffres vérifiés sur lesquels l'agence fonde ses textes, avec leur source, la date "
                    "de leur vérification et celle de leur prochaine relecture. Libres de réutilisation sous "
                    "Licence Ouverte 2.0 (etalab-2.0), en citant « {a} ».",
           "current": "Chiffres à jour", "stale": "Chiffres à revoir",
           "stale_intro": "Leur date de relecture est passée : l'agence ne les utilise plus dans ses nouveaux "
                          "textes tant qu'ils n'ont pas été vérifiés à nouveau.",
           "stale_mark": "À revoir : relecture prévue le {d}, dépassée", "figure": "Chiffre", "year": "Année",
           "source": "Source", "verified": "Vérifié", "review": "Prochaine relecture", "seed": "importé, non relu",
           "by": "le {d}, par {who}", "seed_on": "le {d} — {seed}", "conflict": "Chiffres divergents : les "
           "sources ne donnent pas le même chiffre", "this": "Ce fait", "other_fact": "Autre chiffre",
           "statement": "Énoncé vérifié : pas encore de formulation publique", "french": "",
           "permalink": "Lien permanent vers ce fait", "count": "{n} chiffre(s) à jour, {s} à revoir",
           "data": "Données ouvertes", "none": "Aucun", "filieres": "Par filière"},
    "en": {"title": "Facts and figures", "centre": "Resource centre: facts and figures",
           "intro": "Every verified figure the agency's texts rest on, with its source, the date it was verified "
                    "and the date of its next review. Free to reuse under the Licence Ouverte 2.0 (etalab-2.0), "
                    "crediting “{a}”.",
           "current": "Current figures", "stale": "Figures due for review",
           "stale_intro": "Their review date has passed: the agency no longer uses them in new texts until they "
                          "have been checked again.",
           "stale_mark": "Due for review: review date {d} has passed", "figure": "Figure", "year": "Year",
           "source": "Source", "verified": "Verified", "review": "Next review", "seed": "imported, not yet re-read",
           "by": "on {d}, by {who}", "seed_on": "on {d} — {seed}", "conflict": "Conflicting figures: the sources "
           "do not give the same figure", "this": "This fact", "other_fact": "Other figure",
           "statement": "Verified statement: no public wording yet",
           "french": "In French only: no English wording yet",
           "permalink": "Permanent link to this fact", "count": "{n} current figure(s), {s} due for review",
           "data": "Open data", "none": "None", "filieres": "By sector"},
}


@dataclass(frozen=True)
class FactBase:
    """The facts the public site lists, in corpus order, with their conflicts among themselves."""

    facts: tuple[Fact, ...]
    today: date
    conflicts: dict[str, tuple[str, ...]]
    left_out: dict[str, str]  # fact id -> why it is not published

    def stale(self, f: Fact) -> bool:
        return f.is_stale(self.today)

    def of(self, filiere: str) -> list[Fact]:
        return [f for f in self.facts if f.filiere == filiere]

    @cached_property
    def by_id(self) -> dict[str, Fact]:
        return {f.id: f for f in self.facts}

    def filieres(self, order: list[str]) -> list[str]:
        """The filières with published facts: those of `order` first, in its order, then the others by name."""
        have = {f.filiere for f in self.facts}
        return [f for f in order if f in have] + sorted(have - set(order))


def source_url(url: str) -> str | None:
    """The source's address if it may be a link: http(s), no spaces (quotes are fine: every attribute is escaped)."""
    return url if re.match(r"^https?://\S+$", url or "", re.I) else None


def public_fact_base(facts: list[Fact], today: date) -> FactBase:
    """The published facts and, for every other one, why it is left out."""
    superseded = superseded_map(facts)
    keep, left_out = [], {}
    for f in facts:
        why = ("retired" if f.status == "retired" else f"superseded by {', '.join(superseded[f.id])}"
               if f.id in superseded else "not verified (draft)" if f.status != "verified"
               else f"comparison fact ({f.territory})" if f.territory
               else "no year" if not f.year else "no source address" if not source_url(f.source.url)
               else "no source title" if not f.source.title.strip() else "")
        if why:
            left_out[f.id] = why
        else:
            keep.append(f)
    ids = {f.id for f in keep}
    conflicts = {k: tuple(c for c in v if c in ids) for k, v in conflict_map(keep).items() if k in ids}
    return FactBase(tuple(keep), today, {k: v for k, v in conflicts.items() if v}, left_out)


def public_text(f: Fact, lang: str) -> tuple[str, str, str]:
    """(text, its language, what it is: "wording" | "statement" | "french") shown for a fact on a `lang` page."""
    if f.wording(lang):
        return f.wording(lang), lang, "wording"
    if lang == "en" and f.statement_en:
        return f.statement_en, "en", "statement"
    if lang == "fr":
        return f.statement_fr, "fr", "statement"
    return (f.wording_fr or f.statement_fr), "fr", "french"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _source(f: Fact, lang: str) -> str:
    url = source_url(f.source.url)
    title = f"<cite{lang_attr(f.source.title, lang)}>{_e(f.source.title)}</cite>"  # a French title on an English page
    if not url:
        return title
    return (f'<a href="{_e(url)}" rel="noopener noreferrer">{title}</a> '
            f'<span class="host">{_e(host(url))}</span>')


def _verified(f: Fact, lang: str) -> str:
    w = WORDS[lang]
    day = f'<time datetime="{f.verified_on.isoformat()}">{_e(long_date(f.verified_on, lang))}</time>'
    if f.verified_by.strip().lower() == SEED:
        return w["seed_on"].format(d=day, seed=f'<span class="seed">{_e(w["seed"])}</span>')
    return w["by"].format(d=day, who=_e(f.verified_by))


def _text(f: Fact, lang: str) -> str:
    text, text_lang, what = public_text(f, lang)
    attr = f' lang="{text_lang}"' if text_lang != lang else ""
    mark = f'<span class="fact-mark">{_e(WORDS[lang][what])}</span> ' if what != "wording" else ""
    return f'<p class="fact-text">{mark}<span{attr}>{_e(text)}</span></p>'


def _figure(f: Fact, lang: str) -> str:
    return _e(" ".join(x for x in (f.value, f.unit) if x)) or _e(WORDS[lang]["none"])


def _year(f: Fact) -> str:
    return _e(f"{f.year}" + (f" ({f.year_note})" if f.year_note else ""))


def _short_card(site: Site, frame: Frame, f: Fact, lang: str, head: str, stale: bool) -> str:
    """One fact in a conflict's side-by-side view: who says what, when, from where."""
    w = WORDS[lang]
    here = f"#{f.id}" if facts_path(lang, f.filiere) == frame.path else link(site, frame, fact_href(lang, f))
    return (f'<div class="side{" stale" if stale else ""}">\n<p class="side-head">{_e(head)} · '
            f'<a href="{_e(here)}">{_e(f.id)}</a></p>\n{_text(f, lang)}\n'
            f'<p class="side-meta"><strong>{_figure(f, lang)}</strong> · {_year(f)} · {_source(f, lang)}</p>\n'
            + (f'<p class="stale-mark">{_e(w["stale_mark"].format(d=long_date(f.review_by, lang)))}</p>\n'
               if stale else "") + "</div>")


def fact_href(lang: str, f: Fact) -> str:
    """The path and anchor of a fact on the site (`fr/faits/maritime.html#MAR-001`)."""
    return f"{facts_path(lang, f.filiere)}#{f.id}"


def fact_card(site: Site, frame: Frame, base: FactBase, f: Fact) -> str:
    """One fact: its public text, figure, year, source, verification, review date, and its conflicts beside it."""
    lang, w = frame.lang, WORDS[frame.lang]
    stale = base.stale(f)
    review = f'<time datetime="{f.review_by.isoformat()}">{_e(long_date(f.review_by, lang))}</time>'
    rows = [(w["figure"], _figure(f, lang)), (w["year"], _year(f)), (w["source"], _source(f, lang)),
            (w["verified"], _verified(f, lang)), (w["review"], review)]
    meta = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    parts = [f'<article class="fact{" stale" if stale else ""}" id="{_e(f.id)}">',
             f'<p class="fact-id"><a href="#{_e(f.id)}" title="{_e(w["permalink"])}">{_e(f.id)}</a></p>']
    if stale:
        parts.append(f'<p class="stale-mark">{_e(w["stale_mark"].format(d=long_date(f.review_by, lang)))}</p>')
    parts += [_text(f, lang), f'<dl class="fact-meta">{meta}</dl>']
    others = [base.by_id[c] for c in base.conflicts.get(f.id, ())]
    if others:
        sides = [_short_card(site, frame, f, lang, w["this"], stale)]
        sides += [_short_card(site, frame, o, lang, w["other_fact"], base.stale(o)) for o in others]
        parts.append(f'<div class="conflict">\n<p class="conflict-head">{_e(w["conflict"])}</p>\n'
                     f'<div class="side-by-side">\n' + "\n".join(sides) + "\n</div>\n</div>")
    parts.append("</article>")
    return "\n".join(parts)


def filiere_page(site: Site, base: FactBase, lang: str, fid: str, label: str) -> str:
    """The fact-base page of one filière: its current facts, then those past their review date, apart."""
    w = WORDS[lang]
    path = facts_path(lang, fid)
    facts = base.of(fid)
    current = [f for f in facts if not base.stale(f)]
    stale = [f for f in facts if base.stale(f)]
    title = f"{w['title']} — {label}"
    frame = Frame(path, lang, title, f"{title}{' : ' if lang == 'fr' else ': '}"
                  + w["count"].format(n=len(current), s=len(stale)), facts_path(other(lang), fid),
                  crumbs=((w["title"], facts_index_path(lang)),), year=base.today.year)
    parts = [f"<h1>{_e(title)}</h1>", f'<p class="lede">{_e(w["count"].format(n=len(current), s=len(stale)))}</p>']
    if current:
        parts.append(f'<section class="facts" aria-labelledby="h-current">\n<h2 id="h-current">{_e(w["current"])}'
                     "</h2>\n" + "\n".join(fact_card(site, frame, base, f) for f in current) + "\n</section>")
    if stale:
        parts.append(f'<section class="facts stale-facts" aria-labelledby="h-stale">\n<h2 id="h-stale">'
                     f'{_e(w["stale"])}</h2>\n<p>{_e(w["stale_intro"])}</p>\n'
                     + "\n".join(fact_card(site, frame, base, f) for f in stale) + "\n</section>")
    return document(site, frame, "\n".join(parts))


def index_page(site: Site, base: FactBase, lang: str, filiere_labels: dict[str, str],
               downloads: list[tuple[str, str, str]], jsonld: dict | None, extra: str = "") -> str:
    """The resource centre's index: the filières with their counts, the open data, a schema.org Dataset block."""
    w = WORDS[lang]
    path = facts_index_path(lang)
    frame = Frame(path, lang, w["centre"], describe(w["intro"].format(a=agency_name())), facts_index_path(other(lang)),
                  year=base.today.year)
    items = []
    for fid in base.filieres(list(filiere_labels)):
        facts = base.of(fid)
        n_stale = sum(base.stale(f) for f in facts)
        items.append(f'<li><a href="{_e(link(site, frame, facts_path(lang, fid)))}">'
                     f'{_e(filiere_labels.get(fid, fid))}</a> <span class="count">'
                     f'{_e(w["count"].format(n=len(facts) - n_stale, s=n_stale))}</span></li>')
    parts = [f'<section class="hero">\n<h1>{_e(w["centre"])}</h1>\n<p class="lede">{_e(w["intro"].format(a=agency_name()))}'
             "</p>\n</section>",
             f'<section aria-labelledby="h-fil">\n<h2 id="h-fil">{_e(w["filieres"])}</h2>\n<ul class="pages">\n'
             + "\n".join(items) + "\n</ul>\n</section>"]
    if downloads:
        rows = "\n".join(f'<li><a href="{_e(link(site, frame, p))}" download>{_e(t)}</a> '
                         f'<span class="tag">{_e(fmt)}</span></li>' for t, p, fmt in downloads)
        parts.append(f'<section id="open-data" aria-labelledby="h-data">\n<h2 id="h-data">{_e(w["data"])}</h2>\n'
                     f'<ul class="pages">\n{rows}\n</ul>\n</section>')
    parts.append(extra)
    if jsonld:
        parts.append(jsonld_script(jsonld))
    return document(site, frame, "\n".join(p for p in parts if p))


def jsonld_script(data: dict) -> str:
    """A JSON-LD block whose text cannot close its <script> (every '<' written as \\u003c)."""
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c").replace(">", "\\u003e")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def fact_pages(site: Site, base: FactBase, filiere_labels: dict[str, dict[str, str]],
               downloads: dict[str, list[tuple[str, str, str]]], jsonld: dict[str, dict],
               extra: dict[str, str] | None = None) -> list[tuple[str, str, date, dict[str, str]]]:
    """Every page of the fact base in both languages, as (path, html, last change, {lang: path})."""
    out = []
    langs = ("fr", "en")
    newest = max((f.verified_on for f in base.facts), default=base.today)
    out += [(facts_index_path(lang), index_page(site, base, lang, filiere_labels.get(lang, {}),
                                                 downloads.get(lang, []), jsonld.get(lang), (extra or {}).get(lang, "")),
             newest, {x: facts_index_path(x) for x in langs}) for lang in langs]
    for fid in base.filieres(list(filiere_labels.get("fr", {}))):
        day = max(f.verified_on for f in base.of(fid))
        for lang in langs:
            label = filiere_labels.get(lang, {}).get(fid, fid)
            out.append((facts_path(lang, fid), filiere_page(site, base, lang, fid, label), day,
                        {x: facts_path(x, fid) for x in langs}))
    return out
