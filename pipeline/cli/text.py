"""CLI commands on texts: check, eval claims, ask, eval ask, doctor."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings

MAX_CHECK_BYTES = 10 * 2**20


def _read_text(path: str) -> str:
    """The text to check, from a file or '-' (stdin); binary or huge input is refused with a reason."""
    from pipeline.errors import QueryError
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
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.verify.checker import ClaimChecker
    text = _read_text(args.file)
    embedder = None
    if args.semantic:
        from pipeline.index.embedding import default_embedder
        embedder = default_embedder()
    checker = ClaimChecker.for_corpus(current_facts(s), s, embedder=embedder)
    report = checker.check(text, args.lang)
    if args.judge:
        from pipeline.llm.base import llm_settings_from_env
        from pipeline.llm.factory import make_chat_model
        from pipeline.store.database import DraftStore
        from pipeline.verify.judge import LLMJudge
        LLMJudge(make_chat_model(llm_settings_from_env()), checker, DraftStore.for_data_dir(s.data_dir)).annotate(report)
    if args.json:
        print_json(report.to_json())
    else:
        marks = {"supported": "ok ", "connective": "ok ", "contradicted": "XX ", "unsupported": "?? ",
                 "dangling_citation": "[!]", "uncited": "[ ]"}
        for v in report.sentences:
            print(f"{marks.get(v.status, '!! ')} {v.status:<17} {v.text}")
            if not v.ok or v.reason.startswith("no citation"):
                print(f"      {v.reason}")
            for note in v.notes:
                print(f"      note: {note}")
            if v.entity_problem and v.status != "unknown_entity":
                print(f"      also: {v.entity_problem}")
            if v.entity_ok is False and not v.entity_problem:
                print(f"      semantic: the backing facts do not mention {', '.join(v.names)}")
            if v.judge is False:
                print("      semantic: the model judges that the facts do not say this")
        for note in report.notes:
            print(f"note: {note}")
        counts = report.counts()
        print(", ".join(f"{n} {k}" for k, n in counts.items() if n) or "no sentence")
    return 0 if report.ok else 1


def cmd_eval_claims(args, s: Settings) -> int:
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.verify.checker import ClaimChecker
    from pipeline.verify.evaluate import evaluate_claims, read_claims
    result = evaluate_claims(ClaimChecker.for_corpus(current_facts(s), s), read_claims(Path(args.set)))
    if args.json:
        print_json(result)
        return 0
    print(f"{result['n']} sentences ({result['true']} true, {result['false']} false) from {args.set}")
    for name in ("figure_check", "claim_check", "semantic", "any_status"):
        b = result[name]
        print(f"{name}: caught {b['caught']:.3f} of false sentences, false flags on true {b['false_flags_on_true']:.3f}, "
              f"precision {b['overall']['precision']}")
        for kind, k in b["by_kind"].items():
            print(f"   {kind:<16} {k['caught']}/{k['n']} = {k['recall']:.3f}")
        for lang, l in b["by_lang"].items():
            print(f"   [{lang}] precision {l['precision']} recall {l['recall']} false flags {l['false_flags_on_true']}")
    return 0


def cmd_ask(args, s: Settings) -> int:
    from pipeline.corpus.facts import load_filieres
    from pipeline.retrieve.retriever import check_query
    from pipeline.types import FactFilter
    check_query(args.question)
    flt = FactFilter(filiere=load_filieres(s.corpus_dir).resolve(args.filiere))
    from pipeline.wiring import open_answerer
    with open_answerer(s, use_model=not args.no_model) as answerer:
        result = answerer.ask(args.question, args.lang, flt)
    if args.json:
        print_json(result.to_json())
        return 0
    print(result.answer)
    if result.citations:
        print("\nSources:")
        for c in result.citations:
            print(f"  [{c['id']}] {c['source_title']} ({c['year']}) {c['source_url']}")
    print(f"\n({result.reason}; {result.latency_s:.1f} s)")
    return 0


def cmd_eval_ask(args, s: Settings) -> int:
    from pipeline.ask.evaluate import evaluate_ask, render_ask_eval
    from pipeline.retrieve.evaluate import read_questions
    questions = read_questions(Path(args.questions))
    from pipeline.wiring import open_answerer
    with open_answerer(s, use_model=not args.no_model) as answerer:
        result = evaluate_ask(answerer, questions)
    if args.json:
        print_json(result)
    else:
        print(render_ask_eval(result, args.questions))
    return 0


def cmd_doctor(args, s: Settings) -> int:
    from pipeline.cli.doctor import run_doctor
    checks = run_doctor(s, with_model=not args.no_model)
    if args.json:
        print_json([c.__dict__ for c in checks])
    else:
        for c in checks:
            print(f"{'ok ' if c.ok else 'FAIL'} {c.name:<10} {c.detail}" + ("" if c.ok else f"\n     fix: {c.fix}"))
    return 0 if all(c.ok for c in checks) else 1

