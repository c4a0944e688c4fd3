"""Command line: python -m pipeline <verb>. Errors are shown with their fix; exit code non-zero on failure."""
from __future__ import annotations

import argparse
import sys

from pipeline.cli.drafts import cmd_draft, cmd_drafts, cmd_pages, cmd_starter
from pipeline.cli.facts import cmd_eval, cmd_import_csv, cmd_ingest, cmd_retrieve, cmd_translate, cmd_validate
from pipeline.cli.text import cmd_ask, cmd_check, cmd_doctor, cmd_eval_ask, cmd_eval_claims
from pipeline.config import DEV_QUESTIONS, REPO_ROOT, load_settings
from pipeline.errors import StudioError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pipeline", description="Content studio: the verified fact base.")
    sub = p.add_subparsers(dest="verb", required=True)

    v = sub.add_parser("validate", help="check every fact file; errors exit non-zero, stale facts are warnings")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_validate)

    tr = sub.add_parser("translate", help="draft missing publication wordings with a configured model (never the "
                        "embedded one); kept only when the wording checks pass, stored as wording_status: draft")
    tr.add_argument("--missing", action="store_true", help="only wordings that are missing (not the unconfirmed "
                    "machine drafts)")
    tr.add_argument("--fact", action="append", default=[], metavar="ID", help="only this fact (repeatable)")
    tr.add_argument("--dry-run", action="store_true", help="show what would be written, write nothing")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(func=cmd_translate)

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
    er.add_argument("--questions", default=str(DEV_QUESTIONS))
    er.add_argument("--json", action="store_true")
    er.set_defaults(func=cmd_eval)

    ck = sub.add_parser("check", help="check every figure and claim of a text against the fact base")
    ck.add_argument("file", help="a text or Markdown file, or - for standard input")
    ck.add_argument("--lang", choices=("fr", "en"), help="language of the text (default: detected)")
    ck.add_argument("--semantic", action="store_true", help="also compute embedding similarity to the backing facts")
    ck.add_argument("--judge", action="store_true", help="also ask the configured model whether each backing fact "
                    "says what the sentence says (worth it with a strong model)")
    ck.add_argument("--json", action="store_true")
    ck.set_defaults(func=cmd_check)

    ec = esub.add_parser("claims", help="precision and recall of the claim checker on a labelled set")
    ec.add_argument("--set", default=str(REPO_ROOT / "bench/data/claims_labelled.csv"))
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
    ea.add_argument("--questions", default=str(DEV_QUESTIONS))
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

    ds = sub.add_parser("drafts", help="list stored drafts; 'drafts show ID' prints one with its findings")
    ds.add_argument("--status")
    ds.add_argument("--page", help="a page id of the catalogue")
    ds.add_argument("--json", action="store_true")
    ds.set_defaults(func=cmd_drafts, draft_id=None)
    dss = ds.add_subparsers(dest="drafts_verb")
    show = dss.add_parser("show", help="a stored draft: header, text, sentences not ok, sections left out, repairs")
    show.add_argument("draft_id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_drafts)

    st = sub.add_parser("starter", help="first run: draft a few items if there is no draft yet")
    st.set_defaults(func=cmd_starter)

    from pipeline.cli.users import add_parser as add_users_parser
    add_users_parser(sub)
    from pipeline.cli.batch import add_parsers as add_batch_parsers
    add_batch_parsers(sub)
    from pipeline.cli.publish import add_parser as add_publish_parser
    add_publish_parser(sub)
    from pipeline.cli.barometer import add_parser as add_barometer_parser
    add_barometer_parser(sub)
    from pipeline.cli.video import add_parser as add_video_parser
    add_video_parser(sub)
    from pipeline.cli.backup import add_parsers as add_backup_parsers
    add_backup_parsers(sub)
    from pipeline.cli.photos import add_parser as add_photos_parser
    add_photos_parser(sub)
    from pipeline.cli.resources import add_parsers as add_resources_parsers
    add_resources_parsers(sub)

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
        from pipeline.retrieve.retriever import DEFAULT_MODE
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
