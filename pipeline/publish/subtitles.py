"""Subtitles of an approved video script: SRT and WebVTT, timed from the voice-over at the script's speaking rate.

Cues follow the usual reading limits: at most 2 lines of at most 42 characters, at least 1 s on screen; a silent
shot leaves its on-screen time without a cue. Written with kept libraries (srt, webvtt-py), read back by the tests."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import timedelta

import srt
from webvtt import Caption, WebVTT

from pipeline.draft.script import Script, parse, spoken_seconds, uncited
from pipeline.draft.video import SILENT_S

LINE = 42
LINES = 2
MIN_S = 1.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]


def _chunks(sentence: str) -> list[list[str]]:
    """A sentence cut into cues of at most LINES lines of LINE characters, at word boundaries."""
    lines = textwrap.wrap(sentence, LINE, break_long_words=False, break_on_hyphens=False)
    return [lines[i:i + LINES] for i in range(0, len(lines), LINES)]


def cues(script: Script, lang: str) -> list[Cue]:
    """The cues of the hook, each shot's voice-over (or a silent gap) and the call to action, in order."""
    out, t = [], 0.0
    parts = [script.hook, *(s.voice for s in script.shots), script.cta]
    for part in parts:
        said = uncited(part)
        if not said:
            t += SILENT_S
            continue
        for chunk in _chunks(said):
            length = max(MIN_S, spoken_seconds(" ".join(chunk), lang))
            out.append(Cue(round(t, 3), round(t + length, 3), tuple(chunk)))
            t += length
    return out


def to_srt(items: list[Cue]) -> str:
    return srt.compose([srt.Subtitle(n, timedelta(seconds=c.start), timedelta(seconds=c.end), "\n".join(c.lines))
                        for n, c in enumerate(items, 1)])


def _stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def to_vtt(items: list[Cue]) -> str:
    vtt = WebVTT()
    for c in items:
        vtt.captions.append(Caption(_stamp(c.start), _stamp(c.end), list(c.lines)))
    return vtt.content


def write_subtitles(folder, page_id: str, lang: str, text: str) -> tuple[list[str], int]:
    """<page>.<lang>.srt and .vtt of an approved script in `folder`: (the paths written, relative to its parent, the
    number of cues)."""
    items = cues(parse(text, lang), lang)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, body in (("srt", to_srt(items)), ("vtt", to_vtt(items))):
        (folder / f"{page_id}.{lang}.{ext}").write_text(body, encoding="utf-8")
        written.append(f"{folder.name}/{page_id}.{lang}.{ext}")
    return written, len(items)
