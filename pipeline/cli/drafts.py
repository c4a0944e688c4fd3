"""CLI commands of drafting: pages, draft, drafts, drafts show."""
from __future__ import annotations

from pipeline.cli.output import print_json
from pipeline.config import Settings


def _catalogue(s: Settings):
    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    return load_pages(s.corpus_dir, load_filieres(s.corpus_dir))


def cmd_pages(args, s: Settings) -> int:
    specs = _catalogue(s)
    if args.json:
        print_json([p.to_json() for p in specs])
        return 0
    for p in specs:
        print(f"{p.id:<40} {p.kind:<15} {p.audience:<10} {','.join(p.languages):<6} {len(p.sections)} section(s)  "
              f"{p.title_fr}")
    print(f"{len(specs)} items, {sum(len(p.languages) for p in specs)} texts to draft")
    return 0


def cmd_draft(args, s: Settings) -> int:
    from pipeline.cli.progress import TerminalProgress
    from pipeline.corpus.catalogue import find_page
    from pipeline.wiring import open_drafter
    spec = find_page(_catalogue(s), args.page_id, args.lang)
    with open_drafter(s) as (drafter, store):
        rec = drafter.draft(spec, args.lang, None if args.json else TerminalProgress(f"draft {spec.id} [{args.lang}]"))
        rec = store.add(rec)  # one transaction, only once the draft is complete
    if args.json:
        print_json(rec.to_json())
        return 0
    print(rec.text)
    c = rec.check_report
    counts = ", ".join(f"{n} {k}" for k, n in c["counts"].items() if n)
    print(f"draft #{rec.id} (version {rec.version}, {rec.status}) — check: {counts}; "
          f"{len(c['repairs'])} repair(s); {len(c['flagged'])} flagged; {rec.tokens_in}+{rec.tokens_out} tokens; "
          f"{rec.timings['total_s']:.1f} s")
    for f in c["flagged"]:
        print(f"  FLAG: {f}")
    for o in c.get("omitted_sections", []):
        print(f"  LEFT OUT: {o['title']} — {o['reason']}")
    print(f"  (python -m pipeline drafts show {rec.id} prints it again with its findings)")
    return 0


def cmd_drafts(args, s: Settings) -> int:
    from pipeline.errors import QueryError
    from pipeline.store.database import DraftStore
    from pipeline.store.schema import DRAFT_STATUSES
    if getattr(args, "draft_id", None) is not None:
        return cmd_drafts_show(args, s)
    if args.status and args.status not in DRAFT_STATUSES:
        raise QueryError(f"unknown status {args.status!r}", fix="use one of: " + ", ".join(DRAFT_STATUSES))
    if args.page:
        from pipeline.corpus.catalogue import find_page
        find_page(_catalogue(s), args.page)  # QueryError naming the known ids when it is not in the catalogue
    recs = DraftStore.for_data_dir(s.data_dir).list(status=args.status, page_id=args.page)
    if args.json:
        print_json([r.to_json(full=False) for r in recs])
        return 0
    for r in recs:
        flagged = len(r.check_report.get("flagged", []))
        print(f"#{r.id:<5} {r.page_id:<40} {r.lang} v{r.version:<3} {r.status:<11} {r.created_at:%Y-%m-%d %H:%M} "
              f"{flagged} flagged")
    print(f"{len(recs)} draft(s)")
    return 0

def findings(rec) -> dict:
    """What a reader of a stored draft must look at: every sentence the checker does not class ok (with its status
    and reason), the catalogue sections left out, and the repairs made while drafting."""
    from pipeline.verify.verdict import OK_STATUSES
    c = rec.check_report or {}
    return {"not_ok": [{"text": v["text"], "status": v["status"], "reason": v.get("reason", "")}
                       for v in c.get("sentences", []) if v.get("status") not in OK_STATUSES],
            "omitted_sections": c.get("omitted_sections", []), "repairs": c.get("repairs", []),
            "notes": c.get("notes", [])}


def cmd_drafts_show(args, s: Settings) -> int:
    """One stored draft: header, text, findings."""
    from pipeline.errors import QueryError
    from pipeline.store.database import DraftStore
    rec = DraftStore.for_data_dir(s.data_dir).get(args.draft_id)
    if rec is None:
        raise QueryError(f"no draft #{args.draft_id}", fix="run 'python -m pipeline drafts' to list the stored drafts")
    found = findings(rec)
    if args.json:
        print_json({**rec.to_json(), "findings": found})
        return 0
    print(f"draft #{rec.id} · page {rec.page_id} · {rec.lang} · version {rec.version} · {rec.status} · "
          f"{rec.backend} {rec.model}")
    print(f"created {rec.created_at:%Y-%m-%d %H:%M} · {rec.title}" if rec.created_at else rec.title)
    print()
    print(rec.text.rstrip())
    print()
    print(f"findings: {len(found['not_ok'])} sentence(s) not ok, {len(found['omitted_sections'])} section(s) "
          f"left out, {len(found['repairs'])} repair(s)")
    for v in found["not_ok"]:
        print(f"  {v['status'].upper()}: {v['text']}" + (f" — {v['reason']}" if v["reason"] else ""))
    for o in found["omitted_sections"]:
        print(f"  LEFT OUT: {o['title']} — {o['reason']}")
    for r in found["repairs"]:
        print(f"  REPAIR: {r}")
    for n in found["notes"]:
        print(f"  NOTE: {n}")
    return 0


STARTER = [("site-territoire", "fr"), ("site-maritime-investors", "fr"), ("social-energie-1", "en")]


def cmd_starter(args, s: Settings) -> int:
    """First run: draft a few items so the review screen has something to show (only when there is no draft)."""
    from pipeline.cli.progress import TerminalProgress
    from pipeline.corpus.catalogue import find_page
    from pipeline.store.database import DraftStore
    from pipeline.wiring import open_drafter
    store = DraftStore.for_data_dir(s.data_dir)
    if store.list():
        return 0
    specs = _catalogue(s)
    print(f"first run: drafting {len(STARTER)} starter items with the embedded model so there is something to review")
    bar = TerminalProgress("starter drafts")
    with open_drafter(s, store=store) as (drafter, _):
        for n, (page_id, lang) in enumerate(STARTER):
            bar(n, len(STARTER), f"{page_id} [{lang}]")
            store.add(drafter.draft(find_page(specs, page_id, lang), lang))
        bar(len(STARTER), len(STARTER), "done")
    return 0
