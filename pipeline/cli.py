"""Command line: python -m pipeline <verb>. Errors are shown with their fix; exit code non-zero on failure."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .config import Settings, load_settings
from .errors import CorpusError, StudioError


def _print_json(obj) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def cmd_validate(args, s: Settings) -> int:
    from .facts import read_corpus
    facts, issues = read_corpus(s.corpus_dir, s.today())
    errors = [i for i in issues if i.level == "error"]
    warnings = [i for i in issues if i.level == "warning"]
    if args.json:
        _print_json({"facts": len(facts), "errors": [i.__dict__ for i in errors],
                     "warnings": [i.__dict__ for i in warnings]})
    else:
        for i in errors + warnings:
            print(i.render())
        print(f"{len(facts)} valid facts; {len(errors)} error(s), {len(warnings)} warning(s)"
              + (" (stale facts are warnings)" if warnings else ""))
    return 1 if errors else 0


def cmd_ingest(args, s: Settings) -> int:
    from .embedding import default_embedder
    from .ingest import ingest
    from .progress import TerminalProgress
    try:
        report = ingest(s, default_embedder(), None if args.json else TerminalProgress("ingest"))
    except CorpusError as exc:
        if args.json:
            _print_json({"ok": False, "error": exc.message, "issues": [i.__dict__ for i in exc.issues]})
        else:
            for i in exc.issues:
                print(i.render(), file=sys.stderr)
        raise
    if args.json:
        _print_json({"ok": True, "added": report.added, "updated": report.updated, "deleted": report.deleted,
                     "unchanged": report.unchanged, "reembedded": report.reembedded,
                     "warnings": len(report.warnings)})
    else:
        print(report.summary())
        if report.warnings:
            print(f"{len(report.warnings)} warning(s), e.g. stale facts: run 'python -m pipeline validate' to list them")
    return 0


def cmd_retrieve(args, s: Settings) -> int:
    from .fact_base import FactBase
    hits = FactBase(s).search(args.query, k=args.k, filiere=args.filiere, include_retired=args.include_retired,
                              exclude_stale=args.exclude_stale, mode=args.mode)
    lang = args.lang or "fr"
    if args.json:
        _print_json([h.to_json(lang) for h in hits])
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
    from .embedding import default_embedder
    from .evaluate import eval_retrieval, read_questions
    from .index import open_index
    from .retrieve import DEFAULT_MODE, Retriever
    questions = read_questions(Path(args.questions))
    emb = default_embedder()
    with open_index(s, emb) as idx:
        scores = eval_retrieval(Retriever.for_settings(idx, emb, s), questions)
    if args.json:
        _print_json({"default_mode": DEFAULT_MODE, "modes": [x.to_json() for x in scores]})
        return 0
    print(f"{scores[0].n} answerable questions from {args.questions}")
    print(f"{'mode':<8} {'recall@1':>9} {'recall@5':>9} {'MRR':>7}  misses@5")
    for x in scores:
        default = " (default)" if x.mode == DEFAULT_MODE else ""
        print(f"{x.mode:<8} {x.recall_at_1:9.3f} {x.recall_at_5:9.3f} {x.mrr:7.3f}  {' '.join(x.misses) or '-'}{default}")
    return 0


MAX_CHECK_BYTES = 10 * 2**20


def _read_text(path: str) -> str:
    """The text to check, from a file or '-' (stdin); binary or huge input is refused with a reason."""
    from .errors import QueryError
    if path == "-":
        data = sys.stdin.buffer.read(MAX_CHECK_BYTES + 1)
    else:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_CHECK_BYTES + 1)
        except OSError as exc:
            raise QueryError(f"cannot read {path}: {exc.strerror}", fix="give the path of a text or Markdown file")
    name = "standard input" if path == "-" else path
    if len(data) > MAX_CHECK_BYTES:
        raise QueryError(f"{name} is larger than {MAX_CHECK_BYTES // 2**20} MB", fix="check it in smaller parts")
    if b"\x00" in data[:65536]:
        raise QueryError(f"{name} looks like a binary file, not text", fix="give a UTF-8 text or Markdown file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{name} is not UTF-8 text (byte {exc.start})", fix="save it as UTF-8 and try again")
    if not text.strip():
        raise QueryError(f"{name} is empty: nothing to check", fix="give a text with at least one sentence")
    return text


def cmd_check(args, s: Settings) -> int:
    from .fact_base import current_facts
    from .verify import ClaimChecker
    text = _read_text(args.file)
    embedder = None
    if args.semantic:
        from .embedding import default_embedder
        embedder = default_embedder()
    checker = ClaimChecker(current_facts(s), s.today(), embedder=embedder)
    report = checker.check(text, args.lang)
    if args.json:
        _print_json(report.to_json())
    else:
        marks = {"supported": "ok ", "contradicted": "XX ", "unsupported": "?? ", "dangling_citation": "[!]",
                 "uncited": "[ ]"}
        for v in report.sentences:
            print(f"{marks[v.status]} {v.status:<17} {v.text}")
            if v.status != "supported" or v.reason.startswith("no citation"):
                print(f"      {v.reason}")
            for note in v.notes:
                print(f"      note: {note}")
            if v.entity_ok is False:
                print(f"      semantic: the backing facts do not mention {', '.join(v.names)}")
        for note in report.notes:
            print(f"note: {note}")
        counts = report.counts()
        print(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no sentence")
    return 0 if report.ok else 1


def cmd_eval_claims(args, s: Settings) -> int:
    from .claims_eval import evaluate_claims, read_claims
    from .fact_base import current_facts
    from .verify import ClaimChecker
    result = evaluate_claims(ClaimChecker(current_facts(s), s.today()), read_claims(Path(args.set)))
    if args.json:
        _print_json(result)
        return 0
    print(f"{result['n']} sentences ({result['true']} true, {result['false']} false) from {args.set}")
    for name in ("figure_check", "semantic", "any_status"):
        b = result[name]
        print(f"{name}: caught {b['caught']:.3f} of false sentences, false flags on true {b['false_flags_on_true']:.3f}, "
              f"precision {b['overall']['precision']}")
        for kind, k in b["by_kind"].items():
            print(f"   {kind:<16} {k['caught']}/{k['n']} = {k['recall']:.3f}")
        for lang, l in b["by_lang"].items():
            print(f"   [{lang}] precision {l['precision']} recall {l['recall']} false flags {l['false_flags_on_true']}")
    return 0


def cmd_ask(args, s: Settings) -> int:
    from .facts import load_filieres
    from .retrieve import check_query
    from .types import FactFilter
    check_query(args.question)
    flt = FactFilter(filiere=load_filieres(s.corpus_dir).resolve(args.filiere))
    from .fact_base import open_answerer
    with open_answerer(s, use_model=not args.no_model) as answerer:
        result = answerer.ask(args.question, args.lang, flt)
    if args.json:
        _print_json(result.to_json())
        return 0
    print(result.answer)
    if result.citations:
        print("\nSources:")
        for c in result.citations:
            print(f"  [{c['id']}] {c['source_title']} ({c['year']}) {c['source_url']}")
    print(f"\n({result.reason}; {result.latency_s:.1f} s)")
    return 0


def cmd_eval_ask(args, s: Settings) -> int:
    from .ask_eval import evaluate_ask, render_ask_eval
    from .evaluate import read_questions
    questions = read_questions(Path(args.questions))
    from .fact_base import open_answerer
    with open_answerer(s, use_model=not args.no_model) as answerer:
        result = evaluate_ask(answerer, questions)
    if args.json:
        _print_json(result)
    else:
        print(render_ask_eval(result, args.questions))
    return 0


def cmd_doctor(args, s: Settings) -> int:
    from .doctor import run_doctor
    checks = run_doctor(s, with_model=not args.no_model)
    if args.json:
        _print_json([c.__dict__ for c in checks])
    else:
        for c in checks:
            print(f"{'ok ' if c.ok else 'FAIL'} {c.name:<10} {c.detail}" + ("" if c.ok else f"\n     fix: {c.fix}"))
    return 0 if all(c.ok for c in checks) else 1


def _catalogue(s: Settings):
    from .catalogue import load_pages
    from .facts import load_filieres
    return load_pages(s.corpus_dir, load_filieres(s.corpus_dir))


def cmd_pages(args, s: Settings) -> int:
    specs = _catalogue(s)
    if args.json:
        _print_json([p.to_json() for p in specs])
        return 0
    for p in specs:
        print(f"{p.id:<40} {p.kind:<15} {p.audience:<10} {','.join(p.languages):<6} {len(p.sections)} section(s)  "
              f"{p.title_fr}")
    print(f"{len(specs)} items, {sum(len(p.languages) for p in specs)} texts to draft")
    return 0


def cmd_draft(args, s: Settings) -> int:
    from .catalogue import find_page
    from .fact_base import open_drafter
    from .progress import TerminalProgress
    spec = find_page(_catalogue(s), args.page_id, args.lang)
    with open_drafter(s) as (drafter, store):
        rec = drafter.draft(spec, args.lang, None if args.json else TerminalProgress(f"draft {spec.id} [{args.lang}]"))
        rec = store.add(rec)  # one transaction, only once the draft is complete
    if args.json:
        _print_json(rec.to_json())
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
    from .store import DRAFT_STATUSES, DraftStore
    from .errors import QueryError
    if args.status and args.status not in DRAFT_STATUSES:
        raise QueryError(f"unknown status {args.status!r}", fix="use one of: " + ", ".join(DRAFT_STATUSES))
    recs = DraftStore.for_data_dir(s.data_dir).list(status=args.status, page_id=args.page)
    if args.json:
        _print_json([r.to_json(full=False) for r in recs])
        return 0
    for r in recs:
        flagged = len(r.check_report.get("flagged", []))
        print(f"#{r.id:<5} {r.page_id:<40} {r.lang} v{r.version:<3} {r.status:<11} {r.created_at:%Y-%m-%d %H:%M} "
              f"{flagged} flagged")
    print(f"{len(recs)} draft(s)")
    return 0


def cmd_import_csv(args, s: Settings) -> int:
    from .seed_import import import_csv
    counts = import_csv(Path(args.csv), s.corpus_dir, date.fromisoformat(args.verified_on) if args.verified_on
                        else s.today(), args.verified_by, overwrite=args.overwrite)
    for name, n in counts.items():
        print(f"{name}: {n} facts")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description="Content studio: the verified fact base.")
    sub = p.add_subparsers(dest="verb", required=True)

    v = sub.add_parser("validate", help="check every fact file; errors exit non-zero, stale facts are warnings")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_validate)

    i = sub.add_parser("ingest", help="validate, then index what changed")
    i.add_argument("--json", action="store_true")
    i.set_defaults(func=cmd_ingest)

    r = sub.add_parser("retrieve", help="find the facts for a question")
    r.add_argument("query")
    r.add_argument("--k", type=int, default=5)
    r.add_argument("--filiere")
    r.add_argument("--lang", choices=("fr", "en"))
    r.add_argument("--mode", choices=("hybrid", "dense", "lexical"), default=None)
    r.add_argument("--include-retired", action="store_true", help="also return retired and superseded facts")
    r.add_argument("--exclude-stale", action="store_true", help="leave out facts past their review date")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_retrieve)

    e = sub.add_parser("eval", help="measure a stage on a labelled set")
    esub = e.add_subparsers(dest="what", required=True)
    er = esub.add_parser("retrieval", help="recall@1, recall@5, MRR for dense, lexical and hybrid")
    er.add_argument("--questions", default=str(Path(__file__).resolve().parent.parent.parent / "shared/facts/questions_dev.csv"))
    er.add_argument("--json", action="store_true")
    er.set_defaults(func=cmd_eval)

    ck = sub.add_parser("check", help="check every figure and claim of a text against the fact base")
    ck.add_argument("file", help="a text or Markdown file, or - for standard input")
    ck.add_argument("--lang", choices=("fr", "en"), help="language of the text (default: detected)")
    ck.add_argument("--semantic", action="store_true", help="also compute embedding similarity to the backing facts")
    ck.add_argument("--json", action="store_true")
    ck.set_defaults(func=cmd_check)

    ec = esub.add_parser("claims", help="precision and recall of the claim checker on a labelled set")
    ec.add_argument("--set", default=str(Path(__file__).resolve().parent.parent / "bench/data/claims_labelled.csv"))
    ec.add_argument("--json", action="store_true")
    ec.set_defaults(func=cmd_eval_claims)

    a = sub.add_parser("ask", help="answer a question from the fact base, with citations, or say it does not know")
    a.add_argument("question")
    a.add_argument("--lang", choices=("fr", "en"), help="answer language (default: the question's)")
    a.add_argument("--filiere")
    a.add_argument("--no-model", action="store_true", help="answer from the facts' statements without the LLM")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_ask)

    ea = esub.add_parser("ask", help="abstention, answer rate, grounding and latency on a question set")
    ea.add_argument("--questions", default=str(Path(__file__).resolve().parent.parent.parent / "shared/facts/questions_dev.csv"))
    ea.add_argument("--no-model", action="store_true")
    ea.add_argument("--json", action="store_true")
    ea.set_defaults(func=cmd_eval_ask)

    d = sub.add_parser("doctor", help="show the configured backend, model, embeddings, index and whether each answers")
    d.add_argument("--no-model", action="store_true", help="do not load or call the LLM")
    d.add_argument("--json", action="store_true")
    d.set_defaults(func=cmd_doctor)

    pg = sub.add_parser("pages", help="list the page catalogue (corpus/pages.yaml)")
    pg.add_argument("--json", action="store_true")
    pg.set_defaults(func=cmd_pages)

    dr = sub.add_parser("draft", help="draft one catalogue item in one language, check it, store it")
    dr.add_argument("page_id")
    dr.add_argument("--lang", choices=("fr", "en"), required=True)
    dr.add_argument("--json", action="store_true")
    dr.set_defaults(func=cmd_draft)

    ds = sub.add_parser("drafts", help="list stored drafts")
    ds.add_argument("--status")
    ds.add_argument("--page")
    ds.add_argument("--json", action="store_true")
    ds.set_defaults(func=cmd_drafts)

    c = sub.add_parser("import-csv", help="write corpus/facts/*.yaml from a CSV of facts (the seed format)")
    c.add_argument("csv")
    c.add_argument("--verified-on", help="YYYY-MM-DD (default: today)")
    c.add_argument("--verified-by", default="seed import")
    c.add_argument("--overwrite", action="store_true")
    c.set_defaults(func=cmd_import_csv)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "mode", "x") is None:
        from .retrieve import DEFAULT_MODE
        args.mode = DEFAULT_MODE
    try:
        return args.func(args, load_settings())
    except StudioError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.fix:
            print(f"  fix: {exc.fix}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head`: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted; nothing half-written is kept (re-run the command to finish)", file=sys.stderr)
        return 130
