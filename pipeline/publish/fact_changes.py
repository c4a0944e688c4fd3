"""What changed in the fact base since the previous publish: facts added, changed (old → new), no longer published.

Each publish keeps a snapshot of the facts it published, `.studio-facts.json`, beside the folder's manifest
(`.studio-site.json`, publish/folder.py: listed and hashed in it, so a snapshot edited by hand makes the folder
foreign and the publish is refused). The next publish into the same folder compares the fact base with it and writes
`<lang>/faits/changements.html`. The first publish into a folder (or one made before snapshots) says so."""
from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from pipeline.publish.dates import local_day, long_date
from pipeline.publish.facts_pages import WORDS as FACT_WORDS
from pipeline.publish.facts_pages import FactBase, fact_href, public_text
from pipeline.publish.layout import Frame, Site, document, facts_index_path, link, other
from pipeline.types import Fact

SNAPSHOT = ".studio-facts.json"
PRIVATE = ("notes",)  # for staff: neither in the snapshot (a file of the public folder) nor on the page


def changes_path(lang: str) -> str:
    return f"{lang}/faits/changements.html"


WORDS = {
    "fr": {"title": "Ce qui a changé", "since": "Depuis la publication du {d}.",
           "first": "Première publication du centre de ressources dans ce dossier : rien à comparer encore.",
           "added": "Faits ajoutés", "changed": "Faits modifiés", "removed": "Faits qui ne sont plus publiés",
           "none": "Aucun.", "link": "Ce qui a changé depuis la publication précédente",
           "why": {"retired": "retiré", "superseded": "remplacé par {x}", "draft": "repassé en brouillon",
                   "comparison": "devenu un chiffre de comparaison", "gone": "supprimé du corpus",
                   "other": "ne remplit plus les conditions de publication ({x})"},
           "fields": {"value": "chiffre", "unit": "unité", "year": "année", "year_note": "note sur l'année",
                      "wording_fr": "formulation (fr)", "wording_en": "formulation (en)", "statement_fr": "énoncé (fr)",
                      "statement_en": "énoncé (en)", "source.title": "titre de la source",
                      "source.url": "adresse de la source", "verified_on": "vérifié le", "verified_by": "vérifié par",
                      "review_by": "prochaine relecture", "conflict_with": "en conflit avec", "filiere": "filière"},
           "empty": "(vide)"},
    "en": {"title": "What changed", "since": "Since the publish of {d}.",
           "first": "First publish of the resource centre in this folder: nothing to compare yet.",
           "added": "Facts added", "changed": "Facts changed", "removed": "Facts no longer published",
           "none": "None.", "link": "What changed since the previous publish",
           "why": {"retired": "retired", "superseded": "superseded by {x}", "draft": "back to draft",
                   "comparison": "now a comparison figure", "gone": "deleted from the corpus",
                   "other": "no longer meets the publication rules ({x})"},
           "fields": {"value": "figure", "unit": "unit", "year": "year", "year_note": "year note",
                      "wording_fr": "wording (fr)", "wording_en": "wording (en)", "statement_fr": "statement (fr)",
                      "statement_en": "statement (en)", "source.title": "source title", "source.url": "source address",
                      "verified_on": "verified on", "verified_by": "verified by", "review_by": "next review",
                      "conflict_with": "conflicts with", "filiere": "sector"},
           "empty": "(empty)"},
}


@dataclass
class Changes:
    """The fact base against the previous publish's snapshot (`since` None: there was none)."""

    since: datetime | None
    added: list[Fact] = field(default_factory=list)
    changed: list[tuple[Fact, list[tuple[str, str, str]]]] = field(default_factory=list)  # (fact, [(field, old, new)])
    removed: list[tuple[str, dict, str, str]] = field(default_factory=list)  # (id, old record, why key, detail)

    def to_json(self) -> dict:
        return {"since": self.since.isoformat() if self.since else None, "added": [f.id for f in self.added],
                "changed": {f.id: [{"field": k, "old": o, "new": n} for k, o, n in diffs] for f, diffs in self.changed},
                "removed": {i: why for i, _, why, _ in self.removed}}


def snapshot(base: FactBase, generated_at: datetime) -> str:
    """The snapshot this publish leaves: when, and every published fact as the corpus holds it."""
    return json.dumps({"generated_at": generated_at.isoformat(), "facts": {f.id: _public(f.to_dict()) for f in base.facts}},
                      ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _public(d: dict) -> dict:
    return {k: v for k, v in d.items() if k not in PRIVATE}


def read_snapshot(out: Path) -> dict | None:
    """The previous publish's snapshot in `out`, or None (none, unreadable, or not ours)."""
    try:
        data = json.loads((out / SNAPSHOT).read_text(encoding="utf-8"))
        datetime.fromisoformat(data["generated_at"])
        return data if isinstance(data.get("facts"), dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _flat(d: dict) -> dict[str, str]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update({f"{k}.{sk}": _show(sv) for sk, sv in v.items()})
        else:
            out[k] = _show(v)
    return out


def _show(v) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    return "" if v is None else str(v)


def compare(previous: dict | None, base: FactBase) -> Changes:
    """Added, changed (every field that differs, old and new) and no longer published facts."""
    if previous is None:
        return Changes(None)
    old = previous["facts"]
    ch = Changes(datetime.fromisoformat(previous["generated_at"]))
    for f in base.facts:
        if f.id not in old:
            ch.added.append(f)
            continue
        a, b = _flat(old[f.id]), _flat(f.to_dict())  # the fields a reader sees, in the order of the page's words
        diffs = [(k, a.get(k, ""), b.get(k, "")) for k in WORDS["fr"]["fields"] if a.get(k, "") != b.get(k, "")]
        if diffs:
            ch.changed.append((f, diffs))
    for fid in sorted(set(old) - {f.id for f in base.facts}):
        why = base.left_out.get(fid)
        key = ("gone" if why is None else "retired" if why == "retired" else "superseded"
               if why.startswith("superseded") else "draft" if why.startswith("not verified") else "comparison"
               if why.startswith("comparison") else "other")
        detail = why.removeprefix("superseded by ") if why and key in ("superseded", "other") else ""
        ch.removed.append((fid, old[fid], key, detail))
    return ch


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def changes_page(site: Site, ch: Changes, lang: str, today: date) -> str:
    """The "what changed" page of a language."""
    w = WORDS[lang]
    frame = Frame(changes_path(lang), lang, w["title"], w["link"], changes_path(other(lang)),
                  crumbs=((FACT_WORDS[lang]["title"], facts_index_path(lang)),),
                  year=today.year)
    parts = [f"<h1>{_e(w['title'])}</h1>"]
    if ch.since is None:
        parts.append(f'<p class="lede">{_e(w["first"])}</p>')
        return document(site, frame, "\n".join(parts))
    day = local_day(ch.since)
    when = f'<time datetime="{day.isoformat()}">{_e(long_date(day, lang))}</time>'
    parts.append(f'<p class="lede">{w["since"].format(d=when)}</p>')

    def fact_link(f: Fact) -> str:
        return f'<a href="{_e(link(site, frame, fact_href(lang, f)))}">{_e(f.id)}</a>'

    def section(key: str, items: list[str]) -> None:
        body = "<ul class=\"changes\">\n" + "\n".join(items) + "\n</ul>" if items else f"<p>{_e(w['none'])}</p>"
        parts.append(f'<section id="{key}" aria-labelledby="h-{key}">\n<h2 id="h-{key}">{_e(w[key])} '
                     f'<span class="count">{len(items)}</span></h2>\n{body}\n</section>')

    section("added", [f"<li>{fact_link(f)} — {_e(public_text(f, lang)[0])}</li>" for f in ch.added])
    rows, colon = [], " : " if lang == "fr" else ": "
    for f, diffs in ch.changed:
        cells = "".join(f'<li><span class="field">{_e(w["fields"].get(k, k))}</span>{colon}<del>{_e(o or w["empty"])}'
                        f'</del> → <ins>{_e(n or w["empty"])}</ins></li>' for k, o, n in diffs)
        rows.append(f"<li>{fact_link(f)} — {_e(public_text(f, lang)[0])}\n<ul>{cells}</ul></li>")
    section("changed", rows)
    gone = []
    for fid, rec, key, detail in ch.removed:
        text = rec.get(f"wording_{lang}") or rec.get(f"statement_{lang}") or rec.get("statement_fr", "")
        gone.append(f'<li><span class="fact-ref">{_e(fid)}</span> — {_e(text)} '
                    f'<span class="tag">{_e(w["why"][key].format(x=detail))}</span></li>')
    section("removed", gone)
    return document(site, frame, "\n".join(parts))


def changes_link(site: Site, lang: str) -> str:
    """The index page's paragraph that leads to the "what changed" page."""
    frame_path = facts_index_path(lang)
    href = link(site, Frame(frame_path, lang, "", ""), changes_path(lang))
    return f'<p class="changes-link"><a href="{_e(href)}">{_e(WORDS[lang]["link"])}</a></p>'
