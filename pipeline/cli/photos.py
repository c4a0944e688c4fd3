"""CLI: python -m pipeline photos import|list|show|set|review-alt|review-caption|rights|export — the photo library.

Exit codes: 0 done; 2 a file or row refused (the others imported, the refused ones listed with their fix) or a
value refused; 6 a review refused (not an approver, wrong password)."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings

EXIT_REFUSED = 2


def _library(s: Settings):
    from pipeline.photos.library import PhotoLibrary
    return PhotoLibrary.for_settings(s)


def cmd_photos(args, s: Settings) -> int:
    return {"import": _import, "list": _list, "show": _show, "set": _set, "review-alt": _review,
            "review-caption": _review, "rights": _rights, "export": _export}[args.action](args, s)


def _import(args, s: Settings) -> int:
    from pipeline.corpus.facts import load_filieres
    lib = _library(s)
    report = lib.import_folder(Path(args.folder), args.actor, Path(args.metadata) if args.metadata else None,
                               allow_near=args.allow_near, filieres=set(load_filieres(s.corpus_dir).items))
    if args.json:
        print_json(report.to_json())
    else:
        for d in report.of("imported"):
            print(f"imported {d.file} as {d.photo.id} ({d.photo.width}×{d.photo.height})"
                  + (f"; near copy of {', '.join(m.photo_id for m in d.matches)}, kept as asked" if d.matches else ""))
        for d in report.of("duplicate"):
            print(f"duplicate {d.file}: the same file as {d.existing}, not stored again")
        for d in report.of("near"):
            print(f"near copy {d.file}: looks like {', '.join(f'{m.photo_id} ({m.distance} bits)' for m in d.matches)}"
                  "; not stored (re-run with --allow-near to keep it as a photo of its own)")
    for r in report.refused:
        print(f"REFUSED {r.message}\n  fix: {r.fix}", file=sys.stderr)
    if not args.json:
        print(f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicate(s), "
              f"{len(report.of('near'))} near cop(ies), {len(report.refused)} refused")
    return EXIT_REFUSED if report.refused else 0


def _filtered(lib, args) -> list:
    from pipeline.photos.model import rights
    out = []
    for p in lib.all():
        if args.filiere and args.filiere not in p.get("filieres"):
            continue
        if args.tag and args.tag not in p.get("tags"):
            continue
        if args.rights and rights(p, lib.today).state != args.rights:
            continue
        if args.missing_alt and p.reviewed(f"alt_{args.missing_alt}"):
            continue
        out.append(p)
    return out


def _list(args, s: Settings) -> int:
    from pipeline.photos.model import rights
    lib = _library(s)
    photos = _filtered(lib, args)
    if args.json:
        print_json([p.to_json() | {"rights": rights(p, lib.today).to_json()} for p in photos])
        return 0
    for p in photos:
        alt = " ".join(f"alt_{lang}:{'ok' if p.reviewed(f'alt_{lang}') else ('to review' if p.alt(lang) else 'none')}"
                       for lang in ("fr", "en"))
        print(f"{p.id}  {rights(p, lib.today).state:<10} {alt:<30} {p.get('title') or p.original_name}")
    print(f"{len(photos)} photo(s)")
    return 0


def _show(args, s: Settings) -> int:
    from pipeline.photos.model import FIELDS, rights
    lib = _library(s)
    p = lib.get(args.photo_id)
    r = rights(p, lib.today)
    used = lib.usage().get(p.id, [])
    if args.json:
        print_json(p.to_json() | {"rights": r.to_json(), "used_in": used, "original": str(lib.original(p))})
        return 0
    print(f"{p.id}  {p.width}×{p.height} {p.ext}  sha256 {p.sha256}\n  original: {lib.original(p)}")
    print(f"  rights: {r.state}" + (f" (until {r.ends.isoformat()})" if r.ends else "")
          + (f" — {'; '.join(r.reasons)}" if r.reasons else ""))
    for name in FIELDS:
        value = p.get(name)
        mark = " (reviewed)" if name in p.reviews and p.reviewed(name) else ""
        print(f"  {name}: {', '.join(value) if isinstance(value, list) else '' if value is None else value}{mark}")
    if p.proposals:
        print("  the file says: " + "; ".join(f"{k}={v}" for k, v in p.proposals.items()))
    print("  used in: " + (", ".join(f"{u['page_id']} [{u['lang']}] v{u['version']} ({u['status']})" for u in used)
                           or "no draft"))
    return 0


def _set(args, s: Settings) -> int:
    from pipeline.photos.model import PhotoError
    values = {}
    for pair in args.assignments:
        name, sep, value = pair.partition("=")
        if not sep:
            raise PhotoError(f"{pair!r} is not field=value", fix="write e.g. alt_fr='Le Vieux-Port au matin'")
        values[name.strip()] = value
    p = _library(s).update(args.photo_id, values, args.actor, accept_proposals=args.accept_proposals)
    print(f"{p.id}: " + (", ".join(sorted(values)) or "proposals") + " saved"
          + ("; reviews of changed texts undone" if any(k in p.reviews and not p.reviewed(k) for k in values) else ""))
    return 0


def _review(args, s: Settings) -> int:
    from pipeline.cli.users import _secret
    from pipeline.review.desk import ReviewDesk
    lib = _library(s)
    password = _secret(args.password_env, f"password for {args.actor}: ")
    user = ReviewDesk(lib.store).sign_in(args.actor, password, via="cli")
    name = ("alt_" if args.action == "review-alt" else "caption_") + args.lang
    p = lib.review(args.photo_id, name, user)
    print(f"{p.id}: {name} reviewed by {user.username}: {p.get(name)!r}")
    return 0


def _rights(args, s: Settings) -> int:
    rows = _library(s).rights_report(args.days)
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        pages = ", ".join(f"{u['page_id']} [{u['lang']}] ({u['status']})" for u in r["pages"]) or "no page"
        print(f"{r['id']}  {r['state']:<10} {r['ends'] or '-':<10}  {r['title']}\n    {'; '.join(r['reasons'])}"
              f"\n    used in: {pages}")
    print(f"{len(rows)} photo(s) expired, incomplete or expiring within {args.days} days")
    return 0


def _export(args, s: Settings) -> int:
    """Every photo's metadata as the import CSV (a library moved or backed up keeps its sheets)."""
    from pipeline.photos.model import FIELDS
    photos = _library(s).all()
    out = sys.stdout if args.file == "-" else open(args.file, "w", encoding="utf-8", newline="")
    try:
        w = csv.writer(out)
        w.writerow(["file", "id", "sha256", *FIELDS])
        for p in photos:
            w.writerow([p.original_name, p.id, p.sha256,
                        *("; ".join(v) if isinstance(v := p.get(k), list) else ("yes" if v is True else "no")
                          if isinstance(v, bool) else v or "" for k in FIELDS)])
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def add_parser(sub) -> None:
    p = sub.add_parser("photos", help="the photo library: import, list, show, set, review alt texts and captions, "
                       "rights report, export")
    ps = p.add_subparsers(dest="action", required=True)
    im = ps.add_parser("import", help="import a folder's JPEG/PNG/WebP/HEIC photos (stored once by content hash)")
    im.add_argument("folder")
    im.add_argument("--metadata", metavar="FILE.csv", help="one row per file (columns: corpus/README.md, 'Photos')")
    im.add_argument("--allow-near", action="store_true", help="keep near copies of photos already there")
    im.add_argument("--json", action="store_true")
    ls = ps.add_parser("list", help="the photos, with their rights and alt-text state")
    ls.add_argument("--filiere")
    ls.add_argument("--tag")
    ls.add_argument("--rights", choices=("valid", "expiring", "expired", "incomplete"))
    ls.add_argument("--missing-alt", choices=("fr", "en"), help="only photos without a reviewed alt text in it")
    ls.add_argument("--json", action="store_true")
    sh = ps.add_parser("show", help="one photo's sheet: metadata, what its file says, rights, where it is used")
    sh.add_argument("photo_id")
    sh.add_argument("--json", action="store_true")
    st = ps.add_parser("set", help="set fields: photos set ID alt_fr='…' licence=CC-BY-4.0 rights_end=2027-12-31")
    st.add_argument("photo_id")
    st.add_argument("assignments", nargs="*", metavar="field=value")
    st.add_argument("--accept-proposals", action="store_true", help="fill empty fields with what the file says")
    for verb, what in (("review-alt", "alt text"), ("review-caption", "caption")):
        rv = ps.add_parser(verb, help=f"an approver marks the photo's {what} in a language as reviewed")
        rv.add_argument("photo_id")
        rv.add_argument("--lang", choices=("fr", "en"), required=True)
        rv.add_argument("--password-env", metavar="VAR", help="read the approver's password from this variable "
                        "(else a prompt that does not echo)")
    rg = ps.add_parser("rights", help="photos expired, incomplete or expiring soon, and the pages using them")
    rg.add_argument("--days", type=int, default=30)
    rg.add_argument("--json", action="store_true")
    ex = ps.add_parser("export", help="every photo's metadata as CSV (the import's columns)")
    ex.add_argument("file", nargs="?", default="-", help="the CSV to write (default: standard output)")
    for sp in (im, st, *[ps.choices[v] for v in ("review-alt", "review-caption")]):
        sp.add_argument("--as", dest="actor", default="cli", metavar="USER",
                        help="who does it, for the audit log" + (" (an approver, who signs in)"
                                                                 if sp.prog.endswith(("alt", "caption")) else ""))
    p.set_defaults(func=cmd_photos)
