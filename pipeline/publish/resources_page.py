"""The resource centre's page of the Académie's documents, in French and English, and their search records.

The documents (pipeline/resources/registry.py) are listed newest first, each
with its title, date, event, author, licence, the summary staff wrote and a link to the document, at
`<lang>/ressources/index.html#<id>`; the documents themselves are copied to `ressources/<file>`. Both languages list
every resource; a resource in the other language carries its `lang`."""
from __future__ import annotations

import html
import shutil
from datetime import date
from pathlib import Path

from pipeline.publish.dates import long_date
from pipeline.publish.layout import Frame, Site, describe, document, link, other, resources_path
from pipeline.publish.search import Record, snippet

FILES = "ressources"
TEXT_LIMIT = 4000
WORDS = {
    "fr": {"title": "Ressources de l'Académie", "intro": "Les documents des rencontres de l'Académie de l'agence, "
           "libres d'accès : chacun avec sa date, son événement, son auteur, sa licence et un résumé rédigé par "
           "l'agence.", "event": "Événement", "author": "Auteur", "licence": "Licence", "date": "Date",
           "download": "Télécharger le document", "summary": "Résumé", "none": "Aucune ressource pour l'instant."},
    "en": {"title": "Académie resources", "intro": "The documents of the agency's Académie meetings, open to "
           "all: each with its date, event, author, licence and a summary written by the agency.",
           "event": "Event", "author": "Author", "licence": "Licence", "date": "Date",
           "download": "Download the document", "summary": "Summary", "none": "No resource yet."},
}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def file_path(res) -> str:
    return f"{FILES}/{res.file}"


def resource_card(site: Site, frame: Frame, res) -> str:
    lang, w = frame.lang, WORDS[frame.lang]
    mark = f' lang="{_e(res.lang)}"' if res.lang != lang else ""
    day = f'<time datetime="{res.date.isoformat()}">{_e(long_date(res.date, lang))}</time>'
    rows = [(w["date"], day), (w["event"], _e(res.event)), (w["author"], _e(res.author)),
            (w["licence"], _e(res.licence))]
    meta = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return (f'<article class="resource" id="{_e(res.id)}"{mark}>\n<h2>{_e(res.title)}</h2>\n'
            f'<dl class="fact-meta">{meta}</dl>\n<p class="summary">{_e(res.summary)}</p>\n'
            f'<p><a href="{_e(link(site, frame, file_path(res)))}" download hreflang="{_e(res.lang)}" lang="{lang}">'
            f'{_e(w["download"])}</a> <span class="tag">{_e(res.kind.upper())}</span></p>\n</article>')


def resources_page(site: Site, lang: str, resources: list) -> str:
    w = WORDS[lang]
    frame = Frame(resources_path(lang), lang, w["title"], describe(w["intro"]), resources_path(other(lang)),
                  year=max((r.date.year for r in resources), default=date.today().year))
    body = [f'<section class="hero">\n<h1>{_e(w["title"])}</h1>\n<p class="lede">{_e(w["intro"])}</p>\n</section>']
    body += [resource_card(site, frame, r) for r in resources] or [f"<p>{_e(w['none'])}</p>"]
    return document(site, frame, "\n".join(body))


def resource_pages(site: Site, resources: list) -> list[tuple[str, str]]:
    return [(resources_path(lang), resources_page(site, lang, resources)) for lang in ("fr", "en")]


def copy_documents(folder: Path, resources: list) -> None:
    """Copy each resource's document into the site (`ressources/<file>`)."""
    if resources:
        (folder / FILES).mkdir(parents=True, exist_ok=True)
    for r in resources:
        shutil.copyfile(r.path, folder / file_path(r))


def resource_records(resources: list) -> dict[str, list[Record]]:
    """What the search finds of each resource, in both languages: its title, summary, event, author and the opening
    of its text, to its card on the resources page."""
    out: dict[str, list[Record]] = {"fr": [], "en": []}
    for lang in out:
        for r in resources:
            text = " ".join([r.summary, r.event, r.author, r.text[:TEXT_LIMIT]])
            out[lang].append(Record("resource", r.title, text, f"{resources_path(lang)}#{r.id}",
                                    snippet(f"{r.event} · {r.summary}")))
    return out
