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
    from pipeline.draft.script import parse
    from pipeline.publish.subtitles import cues, write_subtitles
    from pipeline.store.database import DraftStore
    rec = DraftStore.for_data_dir(s.data_dir).get(args.draft_id)
    if rec is None:
        raise QueryError(f"no draft {args.draft_id}", fix="list them with 'python -m pipeline drafts'")
    if not rec.page_id.startswith("video-") and "video" not in rec.check_report:
        raise QueryError(f"draft {rec.id} ({rec.page_id}) is not a video script", fix="give the id of a video draft")
    if rec.status != "approved":
        raise QueryError(f"draft {rec.id} ({rec.page_id} [{rec.lang}]) is {rec.status}, not approved: subtitles are "
                         "made from approved scripts only", fix="approve it in the review screen first")
    items = cues(parse(rec.text, rec.lang), rec.lang)
    out = args.out or s.data_dir / "subtitles"
    written = [str(out.parent / w) for w in write_subtitles(out, rec.page_id, rec.lang, rec.text)]
    if args.json:
        print_json({"draft_id": rec.id, "cues": len(items), "files": written})
    else:
        print(f"{len(items)} cue(s) written: " + ", ".join(written))
    return 0
