"""CLI: backup, restore and audit verify.

CLI: python -m pipeline backup DIR | restore DIR | audit verify (store/backup.py, store/restore.py,
store/audit_chain.py).

Exit codes: 0 done; 9 a backup or restore refused or failed (the data left as it was); 10 the audit log's chain is
broken (every break printed, named by its entry)."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings


def add_parsers(sub) -> None:
    b = sub.add_parser("backup", help="write a consistent copy of the drafts database, the audit log, the photo "
                       "originals and the corpus into a new folder, with a manifest of hashes")
    b.add_argument("dir", help="a new (or empty) folder")
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_backup)

    r = sub.add_parser("restore", help="bring a backup back into an empty data folder (STUDIO_DATA_DIR); refused "
                       "if the folder is not empty or the backup does not match its manifest")
    r.add_argument("dir", help="the backup's folder")
    r.add_argument("--corpus-to", metavar="DIR", help="restore the corpus into this new folder (default: "
                   "STUDIO_CORPUS_DIR when it is missing, empty or already the backup's)")
    r.add_argument("--skip-corpus", action="store_true", help="leave the corpus as it is")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_restore)

    a = sub.add_parser("audit", help="the audit log")
    asub = a.add_subparsers(dest="audit_verb", required=True)
    v = asub.add_parser("verify", help="prove no entry of the audit log was changed, removed or moved (its hash "
                        "chain, walked whole)")
    v.add_argument("--against", metavar="BACKUP_DIR", help="also check that the log still holds the history a "
                   "backup recorded (its chain head), which a chain recomputed after a change would not")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_audit_verify)


def cmd_backup(args, s: Settings) -> int:
    from pipeline.store.backup import backup
    rep = backup(s, Path(args.dir))
    if args.json:
        print_json(rep.to_json())
        return 0
    c = rep.counts
    print(f"backup written to {rep.folder}: {rep.database} database ({c['drafts']} drafts, {c['users']} users), "
          f"audit log ({c['audit']} entries), {rep.photos} photo original(s), {rep.files} files, "
          f"{rep.bytes / 1e6:,.1f} MB in {rep.seconds:.1f} s")
    _print_chain(rep.audit)
    return 0


def cmd_restore(args, s: Settings) -> int:
    from pipeline.store.restore import restore
    rep = restore(s, Path(args.dir), corpus_to=Path(args.corpus_to) if args.corpus_to else None,
                  skip_corpus=args.skip_corpus)
    if args.json:
        print_json(rep.to_json())
        return 0
    c = rep.counts
    print(f"restored from {rep.folder} into {rep.data_dir}: {rep.database} database ({c['drafts']} drafts, "
          f"{c['users']} users), audit log ({c['audit']} entries)")
    if rep.corpus_dir is None:
        print("corpus: left as it is (--skip-corpus)")
    else:
        print(f"corpus: {rep.corpus_dir}" + (" (already the backup's, left untouched)" if rep.corpus_same else ""))
    _print_chain(rep.audit)
    print("next: python -m pipeline ingest (the index is rebuilt from the corpus; it is not in a backup)")
    return 0


def _print_chain(audit: dict) -> None:
    if audit.get("chain_ok"):
        print(f"audit chain whole: {audit['entries']} entries, last #{audit['last_id']} "
              f"({(audit['last_hash'] or '-')[:16]}…)")
    else:
        for problem in audit.get("findings", []):
            print(f"audit chain BROKEN: {problem}", file=sys.stderr)


def cmd_audit_verify(args, s: Settings) -> int:
    from pipeline.errors import AuditChainError
    from pipeline.store.database import DraftStore
    store = DraftStore.for_data_dir(s.data_dir)
    rep = store.verify_audit()
    if args.against:
        from pipeline.store.restore import read_manifest
        manifest = read_manifest(Path(args.against))
        found = store.audit_against(manifest["audit"])
        if found:
            rep.findings.append(found)
        elif not args.json:
            print(f"the history the backup of {manifest['made_at']} recorded is intact (entry "
                  f"#{manifest['audit']['last_id']}, {manifest['audit']['entries']} entries)")
    if args.json:
        print_json(rep.to_json())
    elif rep.ok and not rep.entries:
        print("audit log empty: nothing to verify yet")
    elif rep.ok:
        print(f"audit log whole: {rep.entries} entries (#{rep.first_id} to #{rep.last_id}), each hashing the one "
              f"before; last hash {rep.last_hash[:16]}…")
    else:
        for f in rep.findings:
            print(f.problem)
    if not rep.ok:
        first = rep.findings[0]
        raise AuditChainError(f"the audit log's chain is broken at {len(rep.findings)} place(s); first: "
                              f"{first.problem}",
                              fix="restore the database from a backup whose chain verifies (python -m pipeline "
                                  "restore DIR), and find out who could write to the database")
    return 0
