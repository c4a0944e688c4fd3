"""A short-video script: its Markdown form, its reading time, and the parser that reads it back.

Hook, shots (what is filmed, on-screen text, voice-over), call to action; subtitles and checks read it back.

    # Title
    ## Accroche            (## Hook in English)
    <the hook, spoken>
    ## Plan 1              (## Shot 1)
    > Images : <what the crew films>      (> Footage: …)
    À l'écran : <short text with its figure> [ID]      (On screen: …)
    Voix off : <what is said> [ID]         (Voice-over: …)
    ## Appel à l'action    (## Call to action)
    <the closing line, spoken>

Speaking rates (words per second, for voice-over read for social video): French 2.5, English 2.7, the usual
150-160 words a minute of broadcast narration. A script is within its target when its spoken words last
target ± 10 %."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.verify.checker import CITATION

RATE = {"fr": 2.5, "en": 2.7}  # words per second of voice-over
TOLERANCE = 0.10
LABELS = {
    "fr": {"hook": "Accroche", "shot": "Plan", "cta": "Appel à l'action", "seen": "Images", "screen": "À l'écran",
           "voice": "Voix off"},
    "en": {"hook": "Hook", "shot": "Shot", "cta": "Call to action", "seen": "Footage", "screen": "On screen",
           "voice": "Voice-over"},
}


@dataclass
class Shot:
    seen: str
    on_screen: str
    voice: str


@dataclass
class Script:
    title: str
    hook: str
    shots: list[Shot] = field(default_factory=list)
    cta: str = ""

    def spoken(self) -> list[str]:
        """What the voice says, in order, without citations (what subtitles show)."""
        return [uncited(x) for x in [self.hook, *(s.voice for s in self.shots), self.cta] if uncited(x)]

    def seconds(self, lang: str) -> float:
        return spoken_seconds(" ".join(self.spoken()), lang)


def uncited(text: str) -> str:
    """`text` without its [ID] citations (and the space before each); French spacing before : ; ! ? is kept."""
    return re.sub(r"[ \t\u00a0]*" + CITATION.pattern, "", text).strip()


def spoken_seconds(text: str, lang: str) -> float:
    return len(re.findall(r"[\w’'-]+", text)) / RATE[lang]


def within(seconds: float, target: int) -> bool:
    return abs(seconds - target) <= TOLERANCE * target


def render(script: Script, lang: str) -> str:
    lab = LABELS[lang]
    out = [f"# {script.title}", "", f"## {lab['hook']}", "", script.hook, ""]
    for n, s in enumerate(script.shots, 1):
        out += [f"## {lab['shot']} {n}", "", f"> {lab['seen']} : {s.seen}" if lang == "fr" else f"> {lab['seen']}: "
                f"{s.seen}", "", _line(lab["screen"], s.on_screen, lang), "", _line(lab["voice"], s.voice, lang), ""]
    out += [f"## {lab['cta']}", "", script.cta, ""]
    return "\n".join(out)


def _line(label: str, text: str, lang: str) -> str:
    return f"{label} : {text}" if lang == "fr" else f"{label}: {text}"


def parse(text: str, lang: str) -> Script:
    """A script read back from its Markdown (an edited one too); unknown lines are ignored, missing parts empty."""
    lab = LABELS[lang]
    script, part, shot = Script("", ""), None, None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("# "):
            script.title = line[2:].strip()
        elif line.startswith("## "):
            head = line[3:].strip()
            part = "hook" if head == lab["hook"] else "cta" if head == lab["cta"] else \
                "shot" if head.startswith(lab["shot"]) else None
            if part == "shot":
                shot = Shot("", "", "")
                script.shots.append(shot)
        elif line and part == "shot" and shot is not None:
            body = line.lstrip("> ").strip()
            for key in ("seen", "screen", "voice"):
                m = re.match(rf"{re.escape(lab[key])}\s*:\s*(.*)$", body)
                if m:
                    setattr(shot, {"screen": "on_screen"}.get(key, key), m.group(1).strip())
        elif line and part in ("hook", "cta"):
            setattr(script, part, (getattr(script, part) + " " + line).strip())
    return script
