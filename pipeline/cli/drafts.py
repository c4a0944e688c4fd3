"""CLI commands of drafting: pages, draft, drafts."""
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
    return 0


def cmd_drafts(args, s: Settings) -> int:
    from pipeline.errors import QueryError
    from pipeline.store.database import DraftStore
    from pipeline.store.schema import DRAFT_STATUSES
    if args.status and args.status not in DRAFT_STATUSES:
        raise QueryError(f"unknown status {args.status!r}", fix="use one of: " + ", ".join(DRAFT_STATUSES))
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
