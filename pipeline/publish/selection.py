"""What may be published: the approved version of each page, checked against its approval and its facts (Selection).

A page is withheld, with the reason and the fix, when its text no longer hashes to what was approved, when a fact it
cites is gone, retired, superseded or an unverified draft (without an approval with override), or when a social post
links to a page this publish does not write."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from pipeline.corpus.catalogue import PageSpec
from pipeline.corpus.relations import superseded_map
from pipeline.identity import text_hash
from pipeline.publish.dates import local_day
from pipeline.publish.links import dead_links
from pipeline.publish.pages import Entry
from pipeline.publish.render import SourceRef, markdown_to_html
from pipeline.store.database import DraftStore
from pipeline.store.record import DraftRecord
from pipeline.types import Fact
from pipeline.verify.checker import cited_ids

LANGS = ("fr", "en")
APPROVE_ACTIONS = ("approve", "approve_override")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
REAPPROVE = "re-verify the facts, regenerate or edit the draft, and approve it again in the review screen"


@dataclass(frozen=True)
class Approval:
    """The audit log's record of an approval: who, when, how, and the hash of the text approved."""

    actor: str
    at: datetime
    action: str
    text_hash: str


@dataclass(frozen=True)
class Withheld:
    """An approved page not published, and why."""

    page_id: str
    lang: str
    version: int
    draft_id: int
    reason: str
    fix: str
    facts: tuple[str, ...] = ()
    integrity: bool = False  # the approved text or its approval record is not what it should be

    def to_json(self) -> dict:
        return {"page_id": self.page_id, "lang": self.lang, "version": self.version, "draft_id": self.draft_id,
                "reason": self.reason, "fix": self.fix, "facts": list(self.facts), "integrity": self.integrity}

    def line(self) -> str:
        return f"{self.page_id} [{self.lang}] v{self.version}: {self.reason} — fix: {self.fix}"


@dataclass(frozen=True)
class PublishedPage:
    page_id: str
    lang: str
    kind: str
    title: str
    filieres: tuple[str, ...]
    version: int
    draft_id: int
    text: str
    approval: Approval
    sources: tuple[SourceRef, ...]
    audience: str = "general"

    @property
    def text_hash(self) -> str:
        return text_hash(self.text)

    @property
    def html_path(self) -> str:
        return f"{self.lang}/{self.page_id}.html"

    @property
    def approved_on(self) -> date:
        return local_day(self.approval.at)

    def entry(self) -> Entry:
        return Entry(self.page_id, self.lang, self.kind, self.audience, self.filieres, self.title, self.html_path,
                     self.approved_on)

    @property
    def md_path(self) -> str:
        return f"md/{self.lang}/{self.page_id}.md"

    def feed_item(self) -> dict:
        """One item of feed.json, the shape a CMS imports."""
        return {"page_id": self.page_id, "lang": self.lang, "kind": self.kind, "title": self.title,
                "filieres": list(self.filieres), "version": self.version, "text_markdown": self.text,
                "html": markdown_to_html(self.text, lang=self.lang), "text_hash": self.text_hash,
                "approved_by": self.approval.actor, "approved_at": self.approval.at.isoformat(),
                "approval": self.approval.action, "url": self.html_path, "markdown_url": self.md_path,
                "sources": [s.to_json() for s in self.sources]}


@dataclass
class Selection:
    """What can be published, what is withheld, and what deserves a look."""

    pages: list[PublishedPage] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def approvals(store: DraftStore, draft_ids: list[int]) -> dict[int, Approval]:
    """The newest approval in the audit log of each draft (the log is append-only, enforced by the database)."""
    if not draft_ids:
        return {}
    out: dict[int, Approval] = {}
    for r in store.approvals_for(draft_ids, APPROVE_ACTIONS):  # oldest first: the newest wins
        out[r["draft_id"]] = Approval(r["actor"], r["ts"], r["action"], r["text_hash"] or "")
    return out


def approved_drafts(store: DraftStore) -> tuple[list[DraftRecord], list[str]]:
    """The approved draft of each (page, language), and warnings if the store holds more than one."""
    best: dict[tuple[str, str], DraftRecord] = {}
    warnings = []
    for rec in store.list(status="approved"):  # one query, by page, language, version
        key = (rec.page_id, rec.lang)
        if key in best:
            warnings.append(f"{rec.page_id} [{rec.lang}]: versions {best[key].version} and {rec.version} are both "
                            f"'approved'; only version {rec.version}, the newest, is published")
        best[key] = rec
    return list(best.values()), warnings


def fact_problems(rec: DraftRecord, approval: Approval, facts: dict[str, Fact], superseded: dict[str, tuple],
                  today: date) -> tuple[list[tuple[str, str]], list[str]]:
    """(blocking problems as (fact id, why), warnings) for the facts the approved text cites."""
    recorded = {str(f.get("id", "")).upper(): f for f in rec.facts if isinstance(f, dict)}
    blocking, warnings = [], []
    for fid in cited_ids(rec.text):
        f = facts.get(fid)
        if f is None:
            blocking.append((fid, f"[{fid}] is no longer in the fact base"))
        elif f.status == "retired":
            blocking.append((fid, f"[{fid}] has been retired"))
        elif fid in superseded:
            blocking.append((fid, f"[{fid}] is superseded by {', '.join(superseded[fid])}"))
        elif f.status == "draft" and approval.action != "approve_override":
            blocking.append((fid, f"[{fid}] is a draft fact, not verified, and the approval was not an override"))
        else:
            then = recorded.get(fid)
            if then and then.get("content_hash") and then["content_hash"] != f.content_hash:
                was = f" (value then {then.get('value')!r}, now {f.value!r})" if then.get("value", f.value) != f.value else ""
                warnings.append(f"{rec.page_id} [{rec.lang}]: [{fid}] changed since the draft{was}; "
                                "published as approved — re-check the page")
            if f.is_stale(today):
                warnings.append(f"{rec.page_id} [{rec.lang}]: [{fid}] is past its review date "
                                f"({f.review_by.isoformat()}); published as approved — re-verify the fact")
    return blocking, warnings


def select_pages(store: DraftStore, facts: list[Fact], specs: list[PageSpec], today: date) -> Selection:
    """Every approved page that may be published as approved; every other one withheld with its reason."""
    sel = Selection()
    recs, sel.warnings = approved_drafts(store)
    approved = approvals(store, [r.id for r in recs])
    by_id = {f.id: f for f in facts}
    superseded = superseded_map(facts)
    spec_of = {s.id: s for s in specs}
    order = {s.id: n for n, s in enumerate(specs)}
    for rec in sorted(recs, key=lambda r: (order.get(r.page_id, len(order)), r.page_id, LANGS.index(r.lang)
                                           if r.lang in LANGS else 9)):
        def hold(reason: str, fix: str, ids: tuple[str, ...] = (), integrity: bool = False) -> None:
            sel.withheld.append(Withheld(rec.page_id, rec.lang, rec.version, rec.id, reason, fix, ids, integrity))

        if not _SAFE_ID.match(rec.page_id) or rec.lang not in LANGS:
            hold(f"page id {rec.page_id!r} or language {rec.lang!r} cannot name a public file",
                 "use catalogue ids (letters, digits, '-', '_', '.') and fr or en", integrity=True)
            continue
        ap = approved.get(rec.id)
        if ap is None:
            hold("marked approved, but the audit log holds no approval of this version",
                 "have an approver approve it in the review screen (the status alone is not an approval)",
                 integrity=True)
            continue
        if ap.text_hash != rec.text_hash:
            hold(f"the text differs from the text approved by {ap.actor} on {ap.at:%Y-%m-%d %H:%M} (sha256 "
                 f"{rec.text_hash[:12]}… ≠ approved {ap.text_hash[:12]}…): it was changed after approval",
                 "find out who changed the drafts table; have the text reviewed and approved again", integrity=True)
            continue
        blocking, warns = fact_problems(rec, ap, by_id, superseded, today)
        if blocking:
            hold("; ".join(why for _, why in blocking), REAPPROVE, tuple(fid for fid, _ in blocking))
            continue
        sel.warnings.extend(warns)
        spec = spec_of.get(rec.page_id)
        if spec is None:
            sel.warnings.append(f"{rec.page_id}: not in the catalogue (corpus/pages.yaml); published as a page")
        sources = tuple(SourceRef(fid, by_id[fid].source.title, by_id[fid].source.url, by_id[fid].year)
                        for fid in cited_ids(rec.text))
        sel.pages.append(PublishedPage(rec.page_id, rec.lang, spec.kind if spec else "page",
                                       rec.title or (spec.title(rec.lang) if spec else rec.page_id),
                                       spec.filieres if spec else (), rec.version, rec.id, rec.text, ap, sources,
                                       spec.audience if spec else "general"))
    return sel


def hold_dead_links(sel: Selection, base_url: str) -> None:
    """Withhold each social post whose link names a page this publish does not write (publish/links.py)."""
    published = {p.html_path for p in sel.pages if p.kind != "social"}
    for p in [p for p in sel.pages if p.kind == "social"]:
        dead = dead_links(p.text, published, base_url)
        if dead:
            sel.pages.remove(p)
            sel.withheld.append(Withheld(
                p.page_id, p.lang, p.version, p.draft_id, "; ".join(why for _, why in dead),
                "approve the linked page and publish again; or draft the post again (python -m pipeline draft "
                f"{p.page_id} --lang {p.lang}) with STUDIO_SITE_URL set to the site's address, as publish --base-url"))
