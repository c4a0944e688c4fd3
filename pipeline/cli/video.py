"""CLI: python -m pipeline subtitles DRAFT_ID: SRT and WebVTT files of an approved video script.

publish writes them too, for every approved script, under videos/."""
from __future__ import annotations

from pathlib import Path

from pipeline.cli.output import print_json
from pipeline.config import Settings
from pipeline.errors import QueryError


def add_parser(sub) -> None:
    p = sub.add_parser("subtitles", help="write the SRT and WebVTT subtitles of an approved video script")
    p.add_argument("draft_id", type=int)
    p.add_argument("--out", type=Path, default=None, help="folder (default: DATA_DIR/subtitles)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_subtitles)


def cmd_subtitles(args, s: Settings) -> int:
    from pipeline.publish.subtitles import write_subtitles
    from pipeline.store.database import DraftStore
    from pipeline.wiring import catalogue_context
    rec = DraftStore.for_data_dir(s.data_dir).get(args.draft_id)
    if rec is None:
        raise QueryError(f"no draft {args.draft_id}", fix="list them with 'python -m pipeline drafts'")
    specs, _, _ = catalogue_context(s, check_titles=False)  # the catalogue says what is a video, as for publish
    if not any(p.id == rec.page_id and p.kind == "video" for p in specs):
        raise QueryError(f"draft {rec.id} ({rec.page_id}) is not a video script of the catalogue",
                         fix="give the id of a video draft ('python -m pipeline pages' lists the kind video)")
    if rec.status != "approved":
        raise QueryError(f"draft {rec.id} ({rec.page_id} [{rec.lang}]) is {rec.status}, not approved: subtitles are "
                         "made from approved scripts only", fix="approve it in the review screen first")
    out = args.out or s.data_dir / "subtitles"
    paths, n = write_subtitles(out, rec.page_id, rec.lang, rec.text)
    written = [str(out.parent / w) for w in paths]
    if args.json:
        print_json({"draft_id": rec.id, "cues": n, "files": written})
    else:
        print(f"{n} cue(s) written: " + ", ".join(written))
    return 0
