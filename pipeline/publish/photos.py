"""The photos of published pages: images/, each page's figures and ImageObject JSON-LD, the feed's photos.

The renditions are copied into images/; each page's figures have a responsive srcset, the alt text in the page's
language, the caption and the credit line; an ImageObject JSON-LD block gives licence and credit; each feed.json
item carries its photos (files by width, alt, caption, credit, licence) for a CMS.

A photo a draft recorded is published with its page only if, on the publication day, its rights hold (the usage
rights and, with people shown, the consent end after that day; licence known) and its alt text in the page's
language is reviewed; otherwise it is withheld and the page named in the report (a warning with the fix), the text
still published as approved. A caption is shown only as the draft checked it and an approver reviewed it. The
published files carry no GPS: they are the library's renditions (pipeline/photos/renditions.py)."""
from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pipeline.photos.model import ALL_RIGHTS, LICENCE_URLS, rights

SIZES = "(max-width: 68ch) 100vw, 68ch"  # the text column's width (site.css --measure)
_CREDIT = {"fr": "Photo", "en": "Photo"}
_LICENCE = {"fr": "Licence", "en": "Licence"}
_RESERVED = {"fr": "tous droits réservés", "en": "all rights reserved"}


@dataclass(frozen=True)
class Figure:
    """One photo as a page shows it."""

    photo_id: str
    alt: str
    caption: str
    credit: str
    licence: str
    licence_url: str
    author: str
    rights_holder: str
    width: int
    height: int
    files: tuple  # Rendition, smallest first


@dataclass
class PhotoPlan:
    figures: dict[tuple[str, str], list[Figure]] = field(default_factory=dict)  # (page id, lang) -> figures
    warnings: list[str] = field(default_factory=list)
    withheld: list[dict] = field(default_factory=list)  # {page_id, lang, photo, reason, fix}

    @property
    def files(self) -> dict[str, Path]:
        """Published path (images/…) -> the rendition in the library."""
        return {image_path(r): r.path for figs in self.figures.values() for f in figs for r in f.files}


def image_path(r) -> str:
    return f"images/{r.path.name}"


def place_photos(store, pages, day: date, library) -> PhotoPlan:
    """What each published page (publish.selection.PublishedPage) shows of the photos its draft recorded."""
    plan = PhotoPlan()
    if library is None:
        return plan
    photos = {p.id: p for p in library.all()}
    for page in pages:
        rec = store.get(page.draft_id)
        for entry in (rec.check_report or {}).get("photos") or [] if rec else []:
            fig, why = _figure(entry, photos.get(entry["id"]), page.lang, day, library)
            if fig is None:
                fix = ("renew the licence or the release and set its new end date (python -m pipeline photos set), "
                       "or draft the page with other photos" if why.startswith("rights") else
                       f"have an approver review its alt_{page.lang} (photos review-alt, or the Photothèque)"
                       if "alt" in why else "import the photo again, or draft the page with other photos")
                plan.withheld.append({"page_id": page.page_id, "lang": page.lang, "photo": entry["id"],
                                      "reason": why, "fix": fix})
                plan.warnings.append(f"{page.page_id} [{page.lang}]: photo {entry['id']} withheld: {why} — fix: {fix}")
                continue
            if entry.get("caption") and not fig.caption:
                plan.warnings.append(f"{page.page_id} [{page.lang}]: photo {entry['id']} published without its "
                                     "caption (changed or not reviewed since the draft) — fix: review it, redraft")
            plan.figures.setdefault((page.page_id, page.lang), []).append(fig)
    return plan


def _figure(entry: dict, p, lang: str, day: date, library) -> tuple[Figure | None, str]:
    if p is None:
        return None, "no longer in the photo library"
    r = rights(p, day)
    if not r.usable:
        return None, f"rights {r.state} on {day.isoformat()} ({'; '.join(r.reasons)})"
    if not p.reviewed(f"alt_{lang}"):
        return None, f"no reviewed alt text in {lang} (alt_{lang})"
    caption = p.caption(lang) if (entry.get("caption") and entry["caption"] == p.caption(lang)
                                  and p.reviewed(f"caption_{lang}")) else ""
    licence = p.get("licence")
    author, holder = p.get("author"), p.get("rights_holder")
    credit = p.get("credit") or (f"© {holder or author}" if holder or author else "")
    files = tuple(library.renditions(p))
    return Figure(p.id, p.alt(lang), caption, credit, licence, LICENCE_URLS.get(licence, ""), author, holder,
                  p.width, p.height, files), ""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def figure_html(f: Figure, lang: str, prefix: str = "../") -> str:
    """<figure> with a <picture>: WebP and JPEG srcsets by width, the JPEG 800 px (or the largest) as fallback."""
    jpg = [r for r in f.files if r.fmt == "jpg"]
    webp = [r for r in f.files if r.fmt == "webp"]
    fallback = next((r for r in jpg if r.width == 800), jpg[-1])

    def srcset(rs) -> str:
        return ", ".join(f"{prefix}{image_path(r)} {r.width}w" for r in rs)
    lic = _RESERVED[lang] if f.licence == ALL_RIGHTS else f.licence
    lic_html = (f'<a href="{_e(f.licence_url)}" rel="license">{_e(lic)}</a>' if f.licence_url else _e(lic))
    credit = " · ".join(x for x in (_e(f.credit), f"{_LICENCE[lang]} {lic_html}" if lic else "") if x)
    caption = f"{_e(f.caption)} " if f.caption else ""
    colon = " : " if lang == "fr" else ": "  # French puts a space before the colon
    return (f'<figure class="photo" id="photo-{_e(f.photo_id)}">\n<picture>\n'
            f'<source type="image/webp" srcset="{_e(srcset(webp))}" sizes="{SIZES}">\n'
            f'<img src="{_e(prefix + image_path(fallback))}" srcset="{_e(srcset(jpg))}" sizes="{SIZES}" '
            f'width="{fallback.width}" height="{fallback.height}" alt="{_e(f.alt)}" loading="lazy" decoding="async">\n'
            f'</picture>\n<figcaption>{caption}<span class="credit">{_CREDIT[lang]}{colon}{credit}</span>'
            "</figcaption>\n"
            "</figure>")


def image_object(f: Figure, lang: str, base_url: str) -> dict:
    """schema.org ImageObject: the largest JPEG, its licence, credit, creator and copyright holder."""
    big = [r for r in f.files if r.fmt == "jpg"][-1]
    url = (base_url.rstrip("/") + "/" if base_url else "/") + image_path(big)
    d = {"@context": "https://schema.org", "@type": "ImageObject", "contentUrl": url, "encodingFormat": big.mime,
         "width": big.width, "height": big.height, "description": f.alt, "inLanguage": lang,
         "creditText": f.credit}
    if f.caption:
        d["caption"] = f.caption
    if f.licence_url:
        d["license"] = f.licence_url
    if f.author:
        d["creator"] = {"@type": "Person", "name": f.author}
    if f.rights_holder:
        d["copyrightNotice"] = f.rights_holder
    return d


def write_photos(folder: Path, plan: PhotoPlan, pages, base_url: str = "") -> None:
    """Copy the renditions used into images/ and put each page's figures into its HTML: the first under the title,
    the others at the end of the text, with one JSON-LD block per photo."""
    for rel, src in plan.files.items():
        dest = folder / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    for page in pages:
        figs = plan.figures.get((page.page_id, page.lang))
        if not figs:
            continue
        path = folder / page.html_path
        doc = path.read_text(encoding="utf-8")
        blocks = [figure_html(f, page.lang) for f in figs]
        ld = "".join('\n<script type="application/ld+json">'
                     + json.dumps(image_object(f, page.lang, base_url), ensure_ascii=False).replace("</", "<\\/")
                     + "</script>" for f in figs)
        end = doc.index("</article>")
        head = doc.find("</h1>", doc.index("<article"), end)
        if head >= 0:  # the first photo under the title, the others at the end of the text
            cut = head + len("</h1>")
            doc = doc[:cut] + "\n" + blocks[0] + doc[cut:]
            blocks = blocks[1:]
            end = doc.index("</article>")
        doc = doc[:end] + "".join(b + "\n" for b in blocks) + ld.lstrip("\n") + "\n" + doc[end:]
        path.write_text(doc, encoding="utf-8", newline="")
    _feed(folder / "feed.json", plan)


def feed_photo(f: Figure) -> dict:
    """A photo as feed.json gives it to a CMS: the files by width and format, and what to print with it."""
    return {"id": f.photo_id, "alt": f.alt, "caption": f.caption, "credit": f.credit, "licence": f.licence,
            "licence_url": f.licence_url, "author": f.author, "rights_holder": f.rights_holder,
            "files": [{"path": image_path(r), "width": r.width, "height": r.height, "type": r.mime} for r in f.files]}


def _feed(path: Path, plan: PhotoPlan) -> None:
    """Each feed item of a page with photos gets its "photos" (items without keep their shape)."""
    if not plan.figures or not path.exists():
        return
    feed = json.loads(path.read_text(encoding="utf-8"))
    for item in feed.get("items", []):
        figs = plan.figures.get((item.get("page_id"), item.get("lang")))
        if figs:
            item["photos"] = [feed_photo(f) for f in figs]
    path.write_text(json.dumps(feed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
