"""CLI: the Académie's resources (python -m pipeline resources add|list) and facts proposed from a document
(python -m pipeline propose-facts DOCUMENT, --confirm/--edit/--discard ID)."""
from __future__ import annotations

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
        raise StudioError(f"--date {text!r} is not a date", fix="give it as YYYY-MM-DD, e.g. --date 2025-06-12") from exc


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
    ls = rs.add_parser("list", help="the resources listed")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_resources_list)
