"""CLI: python -m pipeline publish --out DIR — the public site from approved versions only.

Exit codes: 0 published (withheld pages, if any, listed on stderr); 7 refused (output folder holds other files,
nothing approved, or nothing publishable) with the folder untouched; 8 published, but some approved text failed
its integrity check (changed after approval, or no approval in the audit log) — or, with --strict, any page was
withheld."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings

EXIT_WITHHELD = 8


def cmd_publish(args, s: Settings) -> int:
    from pipeline.corpus.catalogue import load_pages
    from pipeline.corpus.facts import load_filieres
    from pipeline.corpus.networks import load_networks
    from pipeline.errors import PublishError
    from pipeline.publish.render import safe_url
    from pipeline.publish.site import publish
    from pipeline.resources.registry import load_resources
    from pipeline.retrieve.fact_base import current_facts
    from pipeline.store.database import DraftStore
    if args.base_url and not safe_url(args.base_url):
        raise PublishError(f"--base-url {args.base_url!r} is not an http(s) address",
                           fix="give the site's public address, e.g. --base-url https://www.example.org/")
    filieres = load_filieres(s.corpus_dir)
    specs = load_pages(s.corpus_dir, filieres, check_titles=False)  # publishes what was approved
    from pipeline.photos.library import PhotoLibrary
    store = DraftStore.for_data_dir(s.data_dir)
    facts = current_facts(s)
    report = publish(Path(args.out), store, facts, specs, s.today(), filieres=filieres, base_url=args.base_url or "",
                     barometer=_barometer(s, facts, not args.no_barometer_report),
                     photos=PhotoLibrary.for_settings(s, store), resources=load_resources(s.corpus_dir),
                     networks=load_networks(s.corpus_dir) if (s.corpus_dir / "networks.yaml").exists() else None)
    code = EXIT_WITHHELD if report.refused or (args.strict and report.withheld) else 0
    if args.json:
        print_json({**report.to_json(), "exit_code": code})
    else:
        _print_summary(report)
    for w in report.withheld:
        print(("REFUSED " if w.integrity else "WITHHELD ") + w.line(), file=sys.stderr)
    for msg in report.warnings:
        print(f"warning: {msg}", file=sys.stderr)
    if report.withheld:
        print(f"{len(report.withheld)} approved page(s) not published (listed above)"
              + ("" if code else "; use --strict to make this a failure"), file=sys.stderr)
    return code


def _barometer(s: Settings, facts: list, report: bool = True):
    """The barometer the site publishes (its pages: publish/barometer.py), from the same facts as the rest of the
    site (the index's), or None when the corpus defines no indicator (said on stderr)."""
    from pipeline.barometer.build import build_barometer
    from pipeline.corpus.indicators import load_indicators, load_territories
    from pipeline.errors import BarometerError
    try:
        indicators, issues = load_indicators(s.corpus_dir)
        if issues:
            raise BarometerError(issues[0].message, fix=issues[0].fix)
        b = build_barometer(facts, indicators, load_territories(s.corpus_dir), s.today())
        b.publish_report = report
        b.since = _since(s, b, facts)
        b.report_cache = s.data_dir / "cache" / "barometer-report"  # an unchanged report is not made again
        return b
    except BarometerError as exc:
        print(f"warning: no barometer published: {exc.message} — fix: {exc.fix}", file=sys.stderr)
        return None


def _since(s: Settings, b, facts: list):
    """What changed since the newest frozen barometer edition (its page says it), or None."""
    from pipeline.barometer.editions import edition_doc, since_latest
    return since_latest(s.data_dir, edition_doc(b, facts, "now"))


def _print_summary(report) -> None:
    per_lang = {}
    for p in report.pages:
        per_lang[p.lang] = per_lang.get(p.lang, 0) + 1
    counts = ", ".join(f"{n} in {lang}" for lang, n in sorted(per_lang.items()))
    print(f"published {len(report.pages)} page(s) ({counts}) to {report.out}: index.html, fr/, en/, 404.html, "
          "sitemap.xml, md/, feed.json")
    for d in report.documents:
        print(f"  document {d['path']} ({len(d['pages'])} text(s))")
    for d in report.no_documents:
        if d.get("format") != "pdf":  # a PDF not made is a warning, on stderr with its fix
            print(f"  no {d['kind']} document in {d['lang']}: {d['reason']}")


def add_parser(sub) -> None:
    p = sub.add_parser("publish", help="write the public site (HTML, Markdown, JSON feed, DOCX, PDF) from approved "
                       "versions only, exactly as approved")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder: new, empty, or a previous publish (replaced whole)")
    p.add_argument("--base-url", default=os.environ.get("STUDIO_SITE_URL", ""), metavar="URL",
                   help="the site's public address (default $STUDIO_SITE_URL): sitemap.xml, canonical and hreflang "
                        "addresses become absolute; without it they are paths from the site's root")
    p.add_argument("--strict", action="store_true", help=f"exit {EXIT_WITHHELD} when any approved page is withheld")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--no-barometer-report", action="store_true",
                   help="leave out the barometer report's PDF and DOCX (several seconds per language)")
    p.set_defaults(func=cmd_publish)
