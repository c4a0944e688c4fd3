"""The publish output folder: built aside, then swapped in whole.

A folder holding anything we did not write is refused before anything is touched, so no one's files are ever lost
to a publish."""
from __future__ import annotations

import json
import os
import secrets
import shutil
from pathlib import Path
from typing import Callable

from pipeline.errors import PublishError
from pipeline.identity import file_sha256

MARKER = ".studio-site.json"
GENERATOR = "content-studio publish"


def check_target(out: Path) -> str:
    """'new', 'empty' or 'ours' (a previous publish, unchanged since); PublishError for anything else."""
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        raise PublishError(f"{out} is a symbolic link", fix="give the real folder's path with --out")
    if not out.exists():
        return "new"
    if not out.is_dir():
        raise PublishError(f"{out} exists and is a file, not a folder",
                           fix="choose a new or empty folder with --out (the file was not touched)")
    entries = list(out.iterdir())
    if not entries:
        return "empty"
    manifest = _read_manifest(out)
    if manifest is None:
        names = ", ".join(sorted(e.name + ("/" if e.is_dir() else "") for e in entries)[:5])
        raise PublishError(f"{out} already exists and holds files that a publish did not write ({names}"
                           f"{', …' if len(entries) > 5 else ''}); nothing was changed",
                           fix="publish into a new or empty folder (e.g. --out site), or move those files away")
    foreign = _foreign_files(out, manifest)
    if foreign:
        raise PublishError(f"{out} holds an earlier publish, but {len(foreign)} file(s) in it were added or changed "
                           f"by hand since ({', '.join(foreign[:5])}{', …' if len(foreign) > 5 else ''}); "
                           "nothing was changed",
                           fix="copy what you want to keep elsewhere and remove it from the folder, "
                               "or publish into a new folder")
    return "ours"


def write_site(out: Path, build: Callable[[Path], None], info: dict) -> None:
    """Build the site in a sibling folder with `build(folder)`, record what it wrote, then swap it in for `out`.

    On any failure before the swap, `out` is exactly as it was; the half-built folder is removed."""
    out = Path(os.path.abspath(out))  # so that "." or "site/" have a name and a parent to build beside
    state = check_target(out)
    cwd = Path(os.path.abspath(os.getcwd()))
    if state == "ours" and (cwd == out or out in cwd.parents):
        raise PublishError(f"the command runs inside {out}, which a publish replaces whole",
                           fix="run it from another folder (e.g. cd ..), nothing was changed")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.new-{secrets.token_hex(4)}"
    tmp.mkdir()  # not mkdtemp: the site keeps the usual permissions for a web server to read
    try:
        build(tmp)
        files = {p.relative_to(tmp).as_posix(): file_sha256(p) for p in sorted(tmp.rglob("*")) if p.is_file()}
        (tmp / MARKER).write_text(json.dumps({"generator": GENERATOR, **info, "files": files}, ensure_ascii=False,
                                             indent=1), encoding="utf-8")
        if check_target(out) != state:  # again, just before the swap: someone may have put files there meanwhile
            raise PublishError(f"{out} changed while the site was being built; nothing was changed",
                               fix="run the command again")
        _swap(tmp, out, state)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(new: Path, out: Path, state: str) -> None:
    if state == "new":
        os.rename(new, out)
    elif state == "empty":  # moved in entry by entry: the folder itself (maybe the shell's) stays where it is
        moved = []
        try:
            for entry in sorted(new.iterdir()):
                os.rename(entry, out / entry.name)
                moved.append(out / entry.name)
        except OSError:
            for path in moved:  # back to empty, as it was
                shutil.rmtree(path) if path.is_dir() else path.unlink()
            raise
    else:  # a previous publish: replaced whole, in two renames
        old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
        os.rename(out, old)
        try:
            os.rename(new, out)
        except OSError:
            os.rename(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _read_manifest(out: Path) -> dict | None:
    path = out / MARKER
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("generator") != GENERATOR or not isinstance(data.get("files"), dict):
        return None
    return data


def _foreign_files(out: Path, manifest: dict) -> list[str]:
    """Files in `out` that the manifest does not list with this content (added or edited by hand)."""
    known = manifest["files"]
    out_list = []
    for root, dirs, names in os.walk(out):
        for d in dirs:
            if (Path(root) / d).is_symlink():
                out_list.append((Path(root) / d).relative_to(out).as_posix() + "/")
        for n in names:
            p = Path(root) / n
            rel = p.relative_to(out).as_posix()
            if rel == MARKER:
                continue
            if p.is_symlink() or known.get(rel) != file_sha256(p):
                out_list.append(rel)
    return sorted(out_list)
