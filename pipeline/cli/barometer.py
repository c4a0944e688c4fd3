"""CLI: python -m pipeline barometer [--json] [--weight ID=W ...] [--draws N]; build, changes and import-peers."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings
from pipeline.errors import BarometerError


def add_parser(sub) -> None:
    """Register `barometer` and `barometer import-peers`."""
    b = sub.add_parser("barometer", help="the home territory's indicators over the years, its place among peers, "
                                         "and the compass (scores, weights, robustness)")
    b.add_argument("--json", action="store_true")
    b.add_argument("--weight", action="append", default=[], metavar="INDICATOR=W",
                   help="replace an indicator's compass weight (repeatable), e.g. --weight teu=2")
    b.add_argument("--draws", type=int, default=1000, help="random weight draws for the robustness figure")
    b.set_defaults(func=cmd_barometer)
    bs = b.add_subparsers(dest="barometer_verb")
    imp = bs.add_parser("import-peers", help="write corpus/facts/peers.yaml from the peers CSV (bench/data/peers.csv)")
    imp.add_argument("csv")
    imp.add_argument("--verified-on", help="YYYY-MM-DD (default: today)")
    imp.add_argument("--overwrite", action="store_true")
    imp.set_defaults(func=cmd_import_peers)
    bb = bs.add_parser("build", help="freeze an edition: the barometer and the facts behind it, written once")
    bb.add_argument("--edition", required=True, help="YYYY-MM, e.g. 2026-12")
    bb.add_argument("--json", action="store_true")
    bb.set_defaults(func=cmd_build)
    bc = bs.add_parser("changes", help="what changed since an edition, and which fact explains it")
    bc.add_argument("--since", required=True, help="the earlier edition")
    bc.add_argument("--edition", help="the later edition (default: the corpus now)")
    bc.add_argument("--json", action="store_true")
    bc.set_defaults(func=cmd_changes)
    ct = bs.add_parser("cite", help="write the barometer's ranks and changes as derived facts drafts may cite "
                                    "(corpus/facts/barometre.yaml)")
    ct.add_argument("--site-url", default=os.environ.get("STUDIO_SITE_URL", ""), metavar="URL",
                    help="the public site's address: each result's source is its barometer page "
                         "(default $STUDIO_SITE_URL)")
    ct.add_argument("--json", action="store_true")
    ct.set_defaults(func=cmd_cite)


def parse_weights(items: list[str]) -> dict[str, float]:
    """["teu=2", "fdi_jobs=0.5"] -> {"teu": 2.0, "fdi_jobs": 0.5}; BarometerError naming a malformed item."""
    out = {}
    for item in items:
        key, _, raw = item.partition("=")
        try:
            out[key.strip()] = float(raw)
        except ValueError:
            raise BarometerError(f"--weight {item!r} is not INDICATOR=NUMBER", fix="write e.g. --weight teu=2")
    return out


def cmd_import_peers(args, s: Settings) -> int:
    from datetime import date

    from pipeline.corpus.peer_import import import_peers
    n = import_peers(Path(args.csv), s.corpus_dir, date.fromisoformat(args.verified_on) if args.verified_on
                     else s.today(), overwrite=args.overwrite)
    print(f"peers.yaml: {n} facts (run 'python -m pipeline validate' to see what the barometer cannot compare)")
    return 0


def _num(p) -> str:
    return f"{p.value_text} ({p.year}) [{p.fact_id}]" + (" stale" if p.stale else "") + \
        ("".join(f" — conflict: {o.fact_id} gives {o.value_text}" for o in p.others if not o.agrees))


def cmd_barometer(args, s: Settings) -> int:
    from pipeline.barometer.build import load_barometer
    from pipeline.barometer.model import YEAR_TOLERANCE
    b = load_barometer(s, parse_weights(args.weight) or None, draws=max(args.draws, 0))
    if args.json:
        print_json(b.to_json())
        return 0
    print(f"Barometer of {b.home_name} on {b.today.isoformat()} (peer years within ±{YEAR_TOLERANCE} of the comparison year)")
    for r in b.indicators:
        ind = r.indicator
        print(f"\n{ind.name_en} [{ind.id}] — {ind.unit}, {ind.perimeter}, {ind.direction} is better"
              + (f", compass: {ind.dimension} (weight {b.compass.weights.get(ind.id, 0):g})" if ind.dimension else ""))
        for p in r.series:
            print(f"  {_num(p)}")
        if r.comparison:
            c = r.comparison
            place = f"{c.home_rank} of {len(c.rows)}" if c.home_rank else "not placed"
            print(f"  {c.year}: {b.home_name} {place}")
            for row in c.rows:
                gap = f" (year {row.point.year}, not {c.year})" if row.year_gap else ""
                print(f"    {row.rank}. {row.point.name}: {_num(row.point)}{gap}")
            for name, latest in c.missing:
                print(f"    missing: {name} (latest figure {latest}, more than {YEAR_TOLERANCE} year(s) from {c.year})")
        for x in r.left_out:
            print(f"  left out [{x.fact_id}]: {x.reason} — fix: {x.fix}")
        for n in r.notes:
            print(f"  note: {n}")
    comp = b.compass
    print(f"\nCompass ({comp.draws} weight draws within ±50 %; ranked when covering half the weight)")
    for t in sorted(comp.names, key=lambda t: (comp.ranks.get(t) or 999, comp.names[t])):
        rank = comp.ranks.get(t)
        dims = ", ".join(f"{d} {v:.0f}" for d, v in comp.dimensions.get(t, {}).items() if v is not None)
        rob = f", rank kept in {comp.robustness[t]:.0%} of draws" if t in comp.robustness else ""
        print(f"  {rank or '-'}. {comp.names[t]}: {comp.overall[t]:.1f} (coverage {comp.coverage[t]:.0%}{rob}); "
              f"{dims}")
    if comp.all_kept is not None:
        print(f"  whole ranking unchanged in {comp.all_kept:.0%} of draws")
    for n in comp.notes:
        print(f"  note: {n}")
    return 0


def _current_doc(s: Settings, name: str) -> dict:
    from pipeline.barometer.build import load_barometer
    from pipeline.barometer.editions import edition_doc
    from pipeline.corpus.facts import load_corpus
    facts, _ = load_corpus(s.corpus_dir, s.today())
    return edition_doc(load_barometer(s), facts, name)


def cmd_build(args, s: Settings) -> int:
    from pipeline.barometer.editions import freeze, since_latest
    doc = _current_doc(s, args.edition)
    before = since_latest(s.data_dir, doc)  # the next edition says what changed since the one before, and why
    if before:
        doc["changes_since"] = {"edition": before[0], "changes": [c.to_json() for c in before[1]]}
    path = freeze(doc, s.data_dir)
    if args.json:
        print_json({"edition": args.edition, "path": str(path), "facts": len(doc["facts"]),
                    "changes_since": doc.get("changes_since")})
        return 0
    print(f"edition {args.edition}: {path} ({len(doc['facts'])} facts frozen with their versions)")
    if before:
        print(f"changes since the {before[0]} edition: {len(before[1])}")
        for c in before[1]:
            print(f"  {c.message}")
    return 0


def cmd_changes(args, s: Settings) -> int:
    from pipeline.barometer.editions import changes, load_edition
    old = load_edition(s.data_dir, args.since)
    new = load_edition(s.data_dir, args.edition) if args.edition else _current_doc(s, "now")
    found = changes(old, new)
    if args.json:
        print_json({"since": args.since, "edition": args.edition or "now", "changes": [c.to_json() for c in found]})
        return 0
    print(f"Changes since the {args.since} edition ({args.edition or 'the corpus now'}): {len(found)}")
    for c in found:
        print(f"  {c.message}")
    return 0


def cmd_cite(args, s: Settings) -> int:
    from pipeline.barometer.build import build_barometer
    from pipeline.barometer.citable import FILE, write_citable
    from pipeline.corpus.facts import load_corpus
    from pipeline.corpus.indicators import load_indicators, load_territories
    facts, _ = load_corpus(s.corpus_dir, s.today())
    b = build_barometer([f for f in facts if not f.derived_from], load_indicators(s.corpus_dir)[0],
                        load_territories(s.corpus_dir), s.today(), draws=0)
    done = write_citable(s.corpus_dir, b, facts, args.site_url, s.today())
    if args.json:
        print_json({"file": f"corpus/facts/{FILE}", **done})
        return 0
    print(f"corpus/facts/{FILE}: {len(done['added'])} added, {len(done['changed'])} recomputed, "
          f"{len(done['kept'])} unchanged, {len(done['retired'])} retired")
    for kind in ("added", "changed", "retired"):
        if done[kind]:
            print(f"  {kind}: {', '.join(done[kind])}")
    print("run 'python -m pipeline ingest' so that drafts can cite them")
    return 0
