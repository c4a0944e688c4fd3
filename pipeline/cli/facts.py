"""CLI commands of the fact base: validate, ingest, retrieve, eval retrieval, import-csv."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings
from pipeline.errors import CorpusError


def cmd_validate(args, s: Settings) -> int:
    from pipeline.corpus.facts import read_corpus, wording_warnings
    from pipeline.verify.wording import parity_validation
    facts, issues = read_corpus(s.corpus_dir, s.today())
    issues += wording_warnings(facts) + parity_validation(facts, s.corpus_dir)
    errors = [i for i in issues if i.level == "error"]
    warnings = [i for i in issues if i.level == "warning"]
    if args.json:
        print_json({"facts": len(facts), "errors": [i.__dict__ for i in errors],
                     "warnings": [i.__dict__ for i in warnings]})
    else:
        for i in errors + warnings:
            print(i.render())
        gaps = sum("translation gap" in i.message for i in warnings)
        print(f"{len(facts)} valid facts; {len(errors)} error(s), {len(warnings)} warning(s)"
              + (" (stale facts are warnings)" if warnings else "")
              + (f"; {gaps} translation gap(s): English drafts leave those facts out" if gaps else ""))
    return 1 if errors else 0


def cmd_translate(args, s: Settings) -> int:
    from pipeline.corpus.facts import load_corpus
    from pipeline.corpus.names import load_aliases, load_glossary
    from pipeline.draft.translate import Translator, wanted
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    from pipeline.llm.prompts import load_prompt
    from pipeline.verify.wording import wording_checker
    facts, _ = load_corpus(s.corpus_dir, s.today())
    translator = Translator(make_chat_model(llm_settings_from_env()), load_prompt("translate"),
                            wording_checker(facts, load_aliases(s.corpus_dir), load_glossary(s.corpus_dir)),
                            s.corpus_dir)
    todo = wanted(facts, args.missing, args.fact)
    outcomes = []
    for n, (fact, lang) in enumerate(todo, 1):
        o = translator.draft(fact, lang, write=not args.dry_run)
        outcomes.append(o)
        if not args.json:
            verdict = ("kept" if not args.dry_run else "would keep") if o.kept else "refused"
            print(f"[{n}/{len(todo)}] {o.fact_id} wording_{o.lang} {verdict}: {o.wording or '(nothing)'}")
            for p in o.problems:
                print(f"    - {p}")
    kept = sum(o.kept for o in outcomes)
    if args.json:
        print_json({"wanted": len(todo), "kept": kept, "dry_run": args.dry_run,
                    "outcomes": [o.to_json() for o in outcomes]})
    else:
        print(f"{kept} of {len(todo)} wording(s) {'would be ' if args.dry_run else ''}kept"
              + ("" if args.dry_run or not kept else " as 'wording_status: draft': read them, then set "
                 "'wording_status: confirmed'") + (f"; {len(todo) - kept} refused (nothing written for them)"
                                                   if kept < len(todo) else ""))
    return 0 if kept == len(todo) else 1


def cmd_ingest(args, s: Settings) -> int:
    from pipeline.cli.progress import TerminalProgress
    from pipeline.index.embedding import default_embedder
    from pipeline.index.ingest import ingest
    try:
        report = ingest(s, default_embedder(), None if args.json else TerminalProgress("ingest"))
    except CorpusError as exc:
        if args.json:
            print_json({"ok": False, "error": exc.message, "issues": [i.__dict__ for i in exc.issues]})
        else:
            for i in exc.issues:
                print(i.render(), file=sys.stderr)
        raise
    if args.json:
        print_json({"ok": True, "added": report.added, "updated": report.updated, "deleted": report.deleted,
                     "unchanged": report.unchanged, "reembedded": report.reembedded,
                     "warnings": len(report.warnings)})
    else:
        print(report.summary())
        if report.warnings:
            print(f"{len(report.warnings)} warning(s), e.g. stale facts: run 'python -m pipeline validate' to list them")
    return 0


def cmd_retrieve(args, s: Settings) -> int:
    from pipeline.retrieve.fact_base import FactBase
    hits = FactBase(s).search(args.query, k=args.k, filiere=args.filiere, include_retired=args.include_retired,
                              exclude_stale=args.exclude_stale, mode=args.mode)
    lang = args.lang or "fr"
    if args.json:
        print_json([h.to_json(lang) for h in hits])
        return 0
    if not hits:
        print("No fact matches (check the filters).")
    for n, h in enumerate(hits, 1):
        j = h.to_json(lang)
        marks = [m for m, on in (("STALE", h.stale), (h.fact.status.upper(), h.fact.status != "verified")) if on]
        print(f"{n}. [{j['id']}] {j['statement']}" + (f"  ({', '.join(marks)})" if marks else ""))
        print(f"   {j['year']} · {j['source_title']} · {j['source_url']} · score {j['score']:.4f}")
        if h.conflicts:
            print(f"   conflicts with: {', '.join(h.conflicts)}")
        if h.superseded_by:
            print(f"   superseded by: {', '.join(h.superseded_by)}")
    return 0


def cmd_eval(args, s: Settings) -> int:
    from pipeline.index.chroma import open_index
    from pipeline.index.embedding import default_embedder
    from pipeline.retrieve.evaluate import eval_retrieval, read_questions
    from pipeline.retrieve.retriever import DEFAULT_MODE, Retriever
    questions = read_questions(Path(args.questions))
    emb = default_embedder()
    with open_index(s, emb) as idx:
        scores = eval_retrieval(Retriever.for_settings(idx, emb, s), questions)
    if args.json:
        print_json({"default_mode": DEFAULT_MODE, "modes": [x.to_json() for x in scores]})
        return 0
    print(f"{scores[0].n} answerable questions from {args.questions}")
    print(f"{'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}  misses@5")
    for x in scores:
        default = " (default)" if x.mode == DEFAULT_MODE else ""
        print(f"{x.mode:<8} {x.recall_at_1:9.3f} {x.recall_at_5:9.3f} {x.mrr:7.3f}  {' '.join(x.misses) or '-'}{default}")
    return 0


def cmd_import_csv(args, s: Settings) -> int:
    from pipeline.corpus.seed_import import import_csv
    counts = import_csv(Path(args.csv), s.corpus_dir, date.fromisoformat(args.verified_on) if args.verified_on
                        else s.today(), args.verified_by, overwrite=args.overwrite)
    for name, n in counts.items():
        print(f"{name}: {n} facts")
    return 0

