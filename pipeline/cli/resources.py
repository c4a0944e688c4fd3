"""CLI: the Académie's resources and the facts proposed from a document (resources add|list, propose-facts).

`python -m pipeline resources add FILE --title … --date … --event … --author … --licence … --summary …`, `resources
summarize FILE` (a summary drafted by the configured model, checked against the document), `resources list`; `python -m pipeline propose-facts DOCUMENT`, `--list`, `--confirm ID --filiere F`, `--discard ID`."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings
from pipeline.errors import StudioError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise StudioError(f"--date {text!r} is not a date",
                          fix="give it as YYYY-MM-DD, e.g. --date 2025-06-12") from exc


def cmd_resources_add(args, s: Settings) -> int:
    from pipeline.resources.registry import add_resource
    summary = args.summary or ""
    if args.summary_file:
        summary = Path(args.summary_file).read_text(encoding="utf-8")
    res, doc = add_resource(s.corpus_dir, Path(args.file), title=args.title, day=_day(args.date), event=args.event,
                            author=args.author, licence=args.licence, summary=summary, lang=args.lang)
    if args.json:
        print_json({"id": res.id, "file": res.file, "lang": res.lang, "chars": len(doc.text), "pages": doc.pages})
    else:
        print(f"added {res.id} ({doc.kind}, {res.lang}, {len(doc.text):,} characters"
              + (f", {doc.pages} page(s)" if doc.pages else "") + f") to {Path(res.path).parent}; "
              "publish to show it on the resources page and in the site's search")
    return 0


def cmd_resources_summarize(args, s: Settings) -> int:
    """A summary drafted by the configured model and checked against the document: printed (or written to --out)
    for staff to read and edit, then give to `resources add --summary-file`; nothing is listed here."""
    from pipeline.llm.base import llm_settings_from_env
    from pipeline.llm.factory import make_chat_model
    from pipeline.llm.prompts import load_prompt
    from pipeline.resources.reader import read_document
    from pipeline.resources.summary import SummaryWriter
    doc = read_document(Path(args.file), args.lang)
    writer = SummaryWriter(make_chat_model(llm_settings_from_env()), load_prompt("summary"))
    draft = writer.draft(args.title or Path(args.file).stem, doc.text, doc.lang)
    if args.json:
        print_json({"file": args.file, "lang": doc.lang, "kept": draft.kept, "summary": draft.text,
                    "problems": draft.problems, "model": draft.model})
    elif draft.kept:
        if args.out:
            Path(args.out).write_text(draft.text + "\n", encoding="utf-8")
        print(draft.text)
        print(f"drafted by {draft.model}; every figure is the document's. Read it, edit it, then: python -m pipeline "
              f"resources add {args.file} --summary-file {args.out or 'SUMMARY.txt'} …", file=sys.stderr)
    else:
        raise StudioError(f"{Path(args.file).name}: the model's summary was refused: " + "; ".join(draft.problems)
                          + f" (it wrote: {draft.text[:300]!r})",
                          fix="run it again, or write the summary yourself (resources add --summary)")
    return 0 if draft.kept else 1


def cmd_resources_list(args, s: Settings) -> int:
    from pipeline.resources.registry import load_resources
    rows = load_resources(s.corpus_dir)
    if args.json:
        print_json([{"id": r.id, "title": r.title, "date": r.date.isoformat(), "event": r.event, "author": r.author,
                     "licence": r.licence, "lang": r.lang, "file": r.file} for r in rows])
    else:
        for r in rows:
            print(f"{r.id}  {r.date}  [{r.lang}]  {r.title} — {r.event} ({r.author}; {r.licence})")
        if not rows:
            print("no resource yet: python -m pipeline resources add FILE --title … (see --help)", file=sys.stderr)
    return 0


def _document(s: Settings, name: str, lang: str | None):
    """(text, language, name, source title, source address, year) of a file or of a resource of the corpus."""
    import os

    from pipeline.resources.reader import read_document
    from pipeline.resources.registry import load_resources
    for r in load_resources(s.corpus_dir):
        if name in (r.id, r.file):
            site = os.environ.get("STUDIO_SITE_URL", "").rstrip("/")
            return r.text, r.lang, r.file, r.title, f"{site}/ressources/{r.file}" if site else "", r.date.year
    doc = read_document(Path(name), lang)
    return doc.text, doc.lang, doc.path.name, doc.path.stem, "", None


def cmd_propose_facts(args, s: Settings) -> int:
    from pipeline.resources import proposals as pr
    from pipeline.retrieve.fact_base import current_facts
    today = s.today()
    if args.discard:
        p = pr.discard(s.data_dir, args.discard, args.by, today)
        print(f"discarded {p.id} ({p.value} {p.unit} from {p.document}); the corpus is unchanged")
        return 0
    if args.confirm:
        if not args.filiere:
            raise StudioError(f"--confirm {args.confirm} needs the fact's filière", fix="add --filiere ID (see "
                              "corpus/filieres.yaml)")
        p, fid = pr.confirm(s.corpus_dir, s.data_dir, args.confirm, filiere=args.filiere, by=args.by, today=today,
                            value=args.value, unit=args.unit, year=args.year, statement=args.statement,
                            source_url=args.source_url, not_duplicate=args.not_duplicate)
        print(f"confirmed {p.id}: {fid} added to corpus/facts/{args.filiere}.yaml as status: draft (verify it, "
              "then set status: verified); run `python -m pipeline ingest` to index it")
        return 0
    if args.list or not args.document:
        rows = [p for p in pr.load(s.data_dir).values() if args.all or p.status == "proposed"]
        if args.json:
            print_json([p.__dict__ for p in rows])
        else:
            for p in rows:
                print(p.line())
            if not rows:
                print("no proposal waiting: python -m pipeline propose-facts DOCUMENT", file=sys.stderr)
        return 0
    text, lang, name, title, url, year = _document(s, args.document, args.lang)
    found = pr.propose(text, lang, name, current_facts(s), args.source_title or title, args.source_url or url,
                       args.year or year)
    added, known = pr.record(s.data_dir, found)
    if args.json:
        print_json({"document": name, "added": added, "known": known, "proposals": [p.__dict__ for p in found]})
        return 0
    for p in found:
        print(p.line())
    print(f"{len(found)} figure(s) proposed from {name} ({added} new, {known} already proposed), kept in "
          f"{s.data_dir / pr.FILE}; nothing was added to the corpus. Confirm one with: python -m pipeline "
          "propose-facts --confirm ID --filiere F --by NAME (or --discard ID)", file=sys.stderr)
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("resources", help="the Académie's documents in the resource centre")
    rs = p.add_subparsers(dest="what", required=True)
    a = rs.add_parser("add", help="add a document (Markdown, DOCX or PDF) to corpus/resources/ with its details")
    a.add_argument("file")
    a.add_argument("--title", required=True)
    a.add_argument("--date", required=True, help="YYYY-MM-DD: the day of the event or of the document")
    a.add_argument("--event", required=True, help="e.g. 'Académie One Provence — innovation sociale, 2025'")
    a.add_argument("--author", required=True)
    a.add_argument("--licence", required=True, help="e.g. etalab-2.0, CC-BY-4.0")
    a.add_argument("--summary", help="the summary staff wrote (shown on the resources page)")
    a.add_argument("--summary-file", help="the summary from a text file")
    a.add_argument("--lang", choices=("fr", "en"), help="the document's language (default: detected)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_resources_add)
    sm = rs.add_parser("summarize", help="draft a document's summary with the configured model, checked against "
                                         "the document, for staff to edit and give to add --summary-file")
    sm.add_argument("file")
    sm.add_argument("--title", help="the document's title (default: the file's name)")
    sm.add_argument("--lang", choices=("fr", "en"), help="the document's language (default: detected)")
    sm.add_argument("--out", help="write the kept summary to this text file")
    sm.add_argument("--json", action="store_true")
    sm.set_defaults(func=cmd_resources_summarize)
    ls = rs.add_parser("list", help="the resources listed")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_resources_list)

    pf = sub.add_parser("propose-facts", help="propose each figure of a document as a draft fact; a person confirms "
                        "(--confirm ID, into the corpus as status: draft), edits or discards each")
    pf.add_argument("document", nargs="?", help="a Markdown, DOCX or PDF file, or the id of a resource")
    pf.add_argument("--lang", choices=("fr", "en"), help="the document's language (default: detected)")
    pf.add_argument("--source-title", help="the source's title (default: the resource's title or the file's name)")
    pf.add_argument("--source-url", help="the document's public address (a fact's source needs one)")
    pf.add_argument("--year", type=int, help="the year of a figure whose sentence names none (default: the "
                    "resource's date); with --confirm, the fact's year")
    pf.add_argument("--list", action="store_true", help="the proposals waiting for a person")
    pf.add_argument("--all", action="store_true", help="with --list: the decided ones too")
    pf.add_argument("--confirm", metavar="ID", help="write this proposal into the corpus as a draft fact")
    pf.add_argument("--discard", metavar="ID")
    pf.add_argument("--filiere", help="with --confirm: the fact's filière")
    pf.add_argument("--by", default=os.environ.get("USER", "staff"), help="who confirms or discards (default $USER)")
    pf.add_argument("--value", help="with --confirm: the value, corrected")
    pf.add_argument("--unit", help="with --confirm: the unit, corrected")
    pf.add_argument("--statement", help="with --confirm: the fact's French statement (default: the sentence)")
    pf.add_argument("--not-duplicate", action="store_true", help="with --confirm: it is not the fact it looks like")
    pf.add_argument("--json", action="store_true")
    pf.set_defaults(func=cmd_propose_facts)
