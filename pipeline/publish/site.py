"""Publish: the public site from approved versions only, exactly as approved.

For every (page, language) the approved draft is taken (publish/selection.py), and published only if
- its text still hashes to what the approver approved (the newest approve/approve_override row of the audit log);
- every fact its text cites is still in the fact base, not retired, not superseded, and verified (a draft fact
  passes only under an approval with override, where a person approved the unbacked figure knowingly).
Anything else is withheld and reported with the reason and the fix. A cited fact that changed (or is past its
review date) since the draft does not stop the page: a person approved that text; it is reported as a warning.

Output: fr/ and en/ HTML pages (numbered notes to their sources, the approval day), the homes (index.html,
en/index.html), a page per audience and per filière, 404.html, sitemap.xml, assets/site.css, md/<lang>/ Markdown,
feed.json for a CMS, and docs/ with the argumentaire and the employer-brand kit as DOCX and PDF per language; the
resource centre: the fact base (<lang>/faits/, publish/facts_pages.py), its open data (data/, datapackage.json,
publish/open_data.py) and what changed since the previous publish (publish/fact_changes.py). See publish/folder.py
for how the folder is replaced."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.corpus.catalogue import PageSpec
from pipeline.errors import LockBusy, PublishError
from pipeline.locks import publish_lock
from pipeline.publish.documents import DOCUMENTS, DocSection, document_title, write_docx
from pipeline.publish.fact_changes import Changes, compare, read_snapshot
from pipeline.publish.facts_pages import FactBase, public_fact_base
from pipeline.publish.folder import check_target, write_site
from pipeline.publish.kit import KIT_PAGE, write_kit
from pipeline.publish.odt import write_markdown, write_odt
from pipeline.publish.open_data import previous_created
from pipeline.publish.pages import Download, site_of, write_pages
from pipeline.publish.pdf import write_pdf
from pipeline.publish.photos import place_photos, write_photos
from pipeline.publish.render import SourceRef, page_markdown
from pipeline.publish.resources_page import copy_documents, resource_records
from pipeline.publish.search import html_record, search_files, searched_html, site_records
from pipeline.publish.selection import REAPPROVE, PublishedPage, Withheld, hold_dead_links, select_pages
from pipeline.publish.subtitles import write_subtitles
from pipeline.store.database import DraftStore
from pipeline.types import Fact


@dataclass
class PublishReport:
    out: Path
    generated_at: datetime
    pages: list[PublishedPage]
    documents: list[dict]          # {kind, lang, path, pages}
    no_documents: list[dict]       # {kind, lang, reason}
    withheld: list[Withheld]
    warnings: list[str]
    # the resource centre: facts listed, stale, left out, changes (not in to_json: `publish --json` keeps its shape,
    # which tests/test_pre_move_data.py holds to)
    fact_base: dict = field(default_factory=dict)

    @property
    def refused(self) -> list[Withheld]:
        return [w for w in self.withheld if w.integrity]

    def to_json(self) -> dict:
        return {"out": str(self.out), "generated_at": self.generated_at.isoformat(),
                "published": [{"page_id": p.page_id, "lang": p.lang, "kind": p.kind, "version": p.version,
                               "path": p.html_path} for p in self.pages],
                "documents": self.documents, "no_documents": self.no_documents,
                "withheld": [w.to_json() for w in self.withheld], "warnings": self.warnings}


# ------------------------------------------------------------------ writing the site
def build_site(folder: Path, pages: list[PublishedPage], withheld: list[Withheld], generated_at: datetime,
               filiere_labels: dict[str, dict[str, str]] | None = None, base_url: str = "",
               fact_base: FactBase | None = None, data_created: datetime | None = None,
               changes: Changes | None = None, barometer=None, resources=None) -> tuple[list[dict], list[dict]]:
    """Write every file of the site into `folder`; returns (documents written, documents not made and why).

    A PDF that cannot be made (a system library missing) is said in the second list; the rest still lands."""
    subtitles = []
    for p in pages:
        _write(folder / p.md_path, page_markdown(p.text, list(p.sources), p.lang))
        if p.kind == "video":  # an approved script: its subtitles, timed from the voice-over
            subtitles += write_subtitles(folder / "videos", p.page_id, p.lang, p.text)[0]
    documents, no_documents = [], []
    for kind, per_lang in DOCUMENTS.items():
        for lang, (name, _) in per_lang.items():
            title = document_title(kind, lang)
            mine = [p for p in pages if p.kind == kind and p.lang == lang]
            if not mine:
                no_documents.append({"kind": kind, "lang": lang, "reason": "nothing of this kind approved "
                                     "and publishable in this language"})
                continue
            (folder / "docs").mkdir(parents=True, exist_ok=True)
            sections = [DocSection(p.title, p.text, p.version) for p in mine]
            day = max(p.approved_on for p in mine)
            write_docx(folder / "docs" / name, kind, lang, sections, _merged_sources(mine), day)
            documents.append({"kind": kind, "lang": lang, "format": "docx", "path": f"docs/{name}",
                              "pages": [p.page_id for p in mine]})
            for fmt, write in (("odt", write_odt), ("md", write_markdown)):  # the open formats (publish/odt.py)
                open_name = name.rsplit(".", 1)[0] + "." + fmt
                write(folder / "docs" / open_name, lang, title, sections, _merged_sources(mine), day)
                documents.append({"kind": kind, "lang": lang, "format": fmt, "path": f"docs/{open_name}",
                                  "pages": [p.page_id for p in mine]})
            pdf = name.rsplit(".", 1)[0] + ".pdf"
            try:
                write_pdf(folder / "docs" / pdf, kind, lang, title, sections, _merged_sources(mine), day)
            except PublishError as exc:
                no_documents.append({"kind": kind, "lang": lang, "format": "pdf", "reason": exc.message,
                                     "fix": exc.fix})
                continue
            documents.append({"kind": kind, "lang": lang, "format": "pdf", "path": f"docs/{pdf}",
                              "pages": [p.page_id for p in mine]})
    downloads = [Download(d["lang"], document_title(d["kind"], d["lang"]), d["path"], d["format"]) for d in documents]
    texts = {(p.page_id, p.lang): (p.text, list(p.sources), p.approved_on) for p in pages}
    extra = resource_records(resources or [])  # what the search finds besides pages, facts and documents
    for rel_path, html_text in write_pages([p.entry() for p in pages], texts, downloads, filiere_labels or {},
                                           base_url, fact_base, (data_created or generated_at, generated_at),
                                           changes, barometer=barometer, resources=resources,
                                           also_listed=[(KIT_PAGE, generated_at.date(), {"fr": KIT_PAGE})]):
        _write(folder / rel_path, html_text)
        if searched_html(rel_path):
            extra.setdefault(rel_path.split("/", 1)[0], []).append(html_record(rel_path, html_text))
    if barometer is not None and barometer[0].publish_report:  # its DOCX and PDF (publish/barometer_report.py)
        from pipeline.publish.barometer_report import write_reports
        no_documents += write_reports(folder, *barometer, fact_base, base_url)
    copy_documents(folder, resources or [])  # the Académie's documents (publish/resources_page.py)
    for rel_path, content in search_files(site_records(pages, fact_base, downloads, filiere_labels or {}, extra)):
        _write(folder / rel_path, content)  # the search box's script, library and index (publish/search.py)
    feed = {"generated_at": generated_at.isoformat(), "items": [p.feed_item() for p in pages],
            "documents": documents, "subtitles": subtitles, "withheld": [w.to_json() for w in withheld]}
    _write(folder / "feed.json", json.dumps(feed, ensure_ascii=False, indent=1) + "\n")
    return documents, no_documents


def _merged_sources(pages: list[PublishedPage]) -> list[SourceRef]:
    seen: dict[str, SourceRef] = {}
    for p in pages:
        for s in p.sources:
            seen.setdefault(s.id, s)
    return list(seen.values())


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")  # no newline translation: the text stays byte-exact


def publish(out: Path, store: DraftStore, facts: list[Fact], specs: list[PageSpec], today: date,
            now: datetime | None = None, filieres=None, base_url: str = "", barometer=None,
            photos=None, resources=None, networks=None) -> PublishReport:
    """`_publish` holding the folder's publish lock (pipeline/locks.py: an advisory lock when the drafts database is
    PostgreSQL, else a file in the data folder): a second publish into that folder, from any machine, is refused."""
    lock = publish_lock(Path(out), store.url)
    try:
        lock.acquire()
    except LockBusy as busy:
        raise PublishError(f"another publish into {Path(out).resolve()} is running ({busy.holder}); nothing was "
                           "changed", fix="wait for it to finish, then publish again (or stop that process)")
    try:
        return _publish(out, store, facts, specs, today, now, filieres, base_url, barometer, photos, resources,
                        networks)
    finally:
        lock.release()


def _publish(out: Path, store: DraftStore, facts: list[Fact], specs: list[PageSpec], today: date,
             now: datetime | None = None, filieres=None, base_url: str = "", barometer=None,
             photos=None, resources=None, networks=None) -> PublishReport:
    """Select, check and write the site into `out` (replaced whole, or refused if it holds other files).

    `filieres` (corpus Filieres) names the filières in each language; `base_url` makes sitemap.xml, canonical and
    alternate addresses absolute; `barometer` (pipeline.barometer's Barometer) adds its pages (publish/barometer.py);
    `photos` (pipeline.photos' PhotoLibrary) the photos the drafts recorded, while their rights hold (publish/photos.py)."""
    now = now or datetime.now(timezone.utc)
    state = check_target(out)  # a folder we may not write into is said first, before any other work
    sel = select_pages(store, facts, specs, today)
    hold_dead_links(sel, base_url)  # a post linking to a page not published waits for it
    base = public_fact_base(facts, today)  # the resource centre's facts (publish/facts_pages.py)
    created = previous_created(Path(out)) if state == "ours" else None
    changes = compare(read_snapshot(Path(out)) if state == "ours" else None, base)  # the "what changed" page
    if not sel.pages:
        if not sel.withheld:
            raise PublishError("nothing has been approved yet: there is nothing to publish",
                               fix="approve drafts in the review screen first (make run), then publish again")
        raise PublishError(f"none of the {len(sel.withheld)} approved page(s) can be published; {out} was left as "
                           "it was (it may still hold pages citing these facts): "
                           + " | ".join(w.line() for w in sel.withheld), fix=REAPPROVE)
    figures = place_photos(store, sel.pages, today, photos)  # a photo whose rights lapsed is withheld, its page named
    sel.warnings += figures.warnings
    result: dict = {}

    bar = (barometer, facts) if barometer is not None else None

    def build(folder: Path) -> None:
        result["docs"] = build_site(folder, sel.pages, sel.withheld, now, _labels(filieres), base_url, base, created,
                                    changes, bar, resources)
        write_photos(folder, figures, sel.pages, base_url)
        nav = site_of([p.entry() for p in sel.pages], _labels(filieres), base_url, base, bar, resources)
        write_kit(folder, sel.pages, networks, figures, now, nav)  # the ambassadors' kit (publish/kit.py)

    write_site(out, build, {"generated_at": now.isoformat(), "pages": len(sel.pages)})
    documents, no_documents = result["docs"]
    warnings = sel.warnings + [f"no {d['kind']} PDF in {d['lang']}: {d['reason']} — fix: {d['fix']}"
                               for d in no_documents if d.get("format") == "pdf"]
    return PublishReport(out, now, sel.pages, documents, no_documents, sel.withheld, warnings,
                         {"facts": len(base.facts), "stale": sum(base.stale(f) for f in base.facts),
                          "left_out": len(base.left_out), "changes": changes.to_json()})


def _labels(filieres) -> dict[str, dict[str, str]]:
    """lang -> filière id -> label, in the corpus's order (filieres.yaml)."""
    if filieres is None:
        return {}
    items = list(filieres.items.values())
    return {"fr": {f.id: f.label_fr for f in items}, "en": {f.id: f.label_en for f in items}}
