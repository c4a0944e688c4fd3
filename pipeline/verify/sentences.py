"""Checks of a sentence beyond its figures: language, prompt echoes, links, stutters, and the perimeter it names.

Each check is a small pure function of the sentence (and of the cited facts' texts where it needs them), so the
claim checker stays thread-safe and fast. Tolerances are documented in README.md ("How a sentence is checked").
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.corpus.networks import NETWORK_NAMES
from pipeline.verify.figures import fold

# ---------------------------------------------------------------------------------------------- language
_FR = set("le la les des du de un une est sont au aux et en dans pour par sur avec qui que où ont été sa son ses "
          "leur leurs depuis chez entre ce cette ces nous vous il elle ils elles mais ou donc aussi plus très "
          "sous vers dont notre nos votre vos".split())
_EN = set("the of and is are was were in on at for by with how what which who when where does do did has have "
          "been its their since between this that these those you your we our it they if not be will can from "
          "into than also more very".split())
_ELISION = re.compile(r"^(l|d|qu|c|j|n|s|m|t)'")
_WORDS = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")


def language_counts(text: str) -> tuple[int, int]:
    """(French, English) function words in `text`: the evidence a language check rests on."""
    words = _WORDS.findall(text.lower().replace("’", "'"))
    fr = sum(w in _FR or bool(_ELISION.match(w)) for w in words)
    en = sum(w in _EN or w.endswith("'s") for w in words)
    return fr, en


def other_language(text: str, lang: str) -> str | None:
    """The other language when `text` is plainly written in it (at least 3 of its function words, and more than
    of `lang`'s); None when it is in `lang` or too short to tell (names and figures alone say nothing)."""
    fr, en = language_counts(text)
    if lang == "fr" and en >= 3 and en > fr:
        return "en"
    if lang == "en" and fr >= 3 and fr > en:
        return "fr"
    return None


# ---------------------------------------------------------------------------------------------- prompt echoes
_SELF = re.compile(
    r"\b(?:this (?:page|text|section|article|post)|cette (?:page|section)|ce (?:texte|post|paragraphe)|"
    r"the facts? (?:listed|given|above|below)|les faits (?:ci-dessus|donnés|fournis|listés)|"
    r"cite (?:it|them|its id)|citez|in your text|dans (?:votre|ton) texte|use only|utilisez uniquement|"
    r"brand voice|voix de (?:la )?marque|square brackets|crochets|as an ai|en tant qu'ia|"
    r"sont invités à consulter|are invited to (?:read|consult|visit))\b", re.I)
_VAR = re.compile(r"\{\{?\w+\}?\}")


def _grams(text: str, n: int = 3) -> set[tuple[str, ...]]:
    w = re.findall(r"\w+", fold(text))
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def prompt_grams(prompts_dir: Path) -> set[tuple[str, ...]]:
    """Word 3-grams of every instruction in prompts/*.yaml (variables left out): what an echo repeats."""
    grams: set[tuple[str, ...]] = set()
    for path in sorted(prompts_dir.glob("*.yaml")):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # a broken prompt file is reported by the prompt loader, not here
        for key in ("system", "template"):
            if isinstance(raw.get(key), str):
                grams |= _grams(_VAR.sub(" | ", raw[key]))
    return grams


_FACT_LINE = re.compile(r"^\W*[A-Z][A-Z0-9]{1,9}-\d{1,6}\W*\((?:19|20)\d\d\)")  # "[MAR-001] (2024) …"


def echo(text: str, grams: set[tuple[str, ...]]) -> str | None:
    """Why `text` reads as the prompt's instructions or as talk about itself, or None."""
    if _FACT_LINE.match(text):
        return "repeats a line of the prompt's fact list"
    m = _SELF.search(text)
    if m:
        return f"speaks about itself or the instructions ({m.group(0)!r})"
    own = _grams(text)
    if len(own) >= 3:
        shared = own & grams
        if len(shared) >= 3 and len(shared) >= 0.4 * len(own):
            return "repeats the prompt's instructions"
    return None


# ---------------------------------------------------------------------------------------------- links
LINK = re.compile(r"(?:https?://|www\.)[^\s<>\])]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|"
                  r"\b[a-z0-9-]+\.(?:fr|com|org|net|eu|io|info|gouv\.fr)\b(?:/[^\s<>\])]*)?|"
                  r"(?:\+33\s?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b", re.I)


def _bare(link: str) -> str:
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", link.lower()).rstrip("/.,;:")


def unverified_links(text: str, fact_texts: list[str]) -> list[str]:
    """Links, e-mail addresses and phone numbers in `text` that no cited fact (statement or source) holds."""
    known = " ".join(fact_texts).lower()
    known_bare = {_bare(m.group(0)) for m in LINK.finditer(known)}
    out = []
    for m in LINK.finditer(text):
        b = _bare(m.group(0))
        digits = re.sub(r"\D", "", b)
        if b in known or any(b in k or k in b for k in known_bare if len(k) > 6) or \
                (digits and len(digits) >= 9 and digits in re.sub(r"\D", "", known)):
            continue
        out.append(m.group(0).rstrip(".,;:"))
    return out


# ---------------------------------------------------------------------------------------------- stutters
_REPEAT_OK = {"vous", "nous", "very", "plus", "more"}  # "vous vous", "plus plus" in set phrases


def stutter(text: str) -> str | None:
    """A word or phrase said twice in a row ("le grand public, le grand public"), or None."""
    words = re.findall(r"\w+", fold(text))
    for n in (4, 3, 2, 1):
        for i in range(len(words) - 2 * n + 1):
            a, b = words[i:i + n], words[i + n:i + 2 * n]
            if a == b and not all(w.isdigit() for w in a):
                if n == 1 and (len(a[0]) < 4 or a[0] in _REPEAT_OK):
                    continue
                return " ".join(a)
    return None


# ---------------------------------------------------------------------------------------------- perimeters
# What a figure is about: the city, the Métropole, the département, the région, the country; a port, an airport or
# a station. Two classes of one axis exclude each other.
PERIMETERS = {
    "city": r"\bville\b|\bcity\b|intra-muros|\bcommune de marseille\b|\bmunicipality\b",
    "metropolis": r"\bmetropole|\bmetropoli|\bamp\b|aire metropolitaine",
    "departement": r"\bdepartement|\bdepartment|bouches-du-rhone|bouches du rhone|\bcounty\b",
    "region": r"\bregion\b|\bpaca\b|provence-alpes-cote|region sud|\bsud region",
    "country": r"\b(?:en|in|la|de) france\b(?! ?(?:2030|relance|travail|televisions?|info|bleu))|\bfrance's\b|"
               r"\bnational|\bnationwide|"
               r"\bdu pays\b|\bthe country\b|\bfrancais(?:e|es)?\b|\bfrench\b",
    "port": r"\bport\b|\bports\b|\bgpmm\b|\bharbou?r\b|marseille-fos|\bquais?\b|\bcroisier|\bcruise",
    "airport": r"\baeroport|\bairport|\bfret avionne|\bair freight",
    "station": r"\bgare\b|\bstation\b|saint-charles",
    "site": r"\bsite\b|\busine\b|\bplant\b|\bfactory\b|\btour\b|\btower\b",
    "group": r"\bgroupe\b|\bgroup\b|\bworldwide\b|dans le monde|\bmondial|\bglobal\b",
}
GEOGRAPHY = ("city", "metropolis", "departement", "region", "country")
AXES = (GEOGRAPHY, ("port", "airport", "station"), ("site", "group"))
_PER = {k: re.compile(v) for k, v in PERIMETERS.items()}


@lru_cache(maxsize=4096)
def _perimeters(text: str) -> frozenset[str]:
    t = fold(text)
    return frozenset(k for k, rx in _PER.items() if rx.search(t))


def perimeters(text: str) -> set[str]:
    """The perimeter classes a text names (cached: the cited facts' texts come back with every sentence)."""
    return set(_perimeters(text))


def perimeter_mismatch(sentence: str, fact_texts: list[str]) -> str | None:
    """The perimeter the sentence names that its cited facts do not, while they name another of the same axis."""
    said = perimeters(sentence)
    if not said:
        return None
    facts = perimeters(" ".join(fact_texts))
    for axis in AXES:
        s_ax = [k for k in axis if k in said]
        f_ax = [k for k in axis if k in facts]
        extra = [k for k in s_ax if k not in facts]
        if not extra or set(s_ax) & set(f_ax):
            continue  # the sentence also names the facts' own perimeter: the other is context
        if f_ax:
            return f"speaks of the {extra[0]}; the cited facts are about the {', '.join(f_ax)}"
        # facts that name no perimeter are about the place they name (mostly the city): a sentence that names one
        # wider perimeter alone puts their figure on it; a sentence naming several gives context
        if axis is GEOGRAPHY and s_ax == extra and len(s_ax) == 1 and extra[0] != "city":
            return f"speaks of the {extra[0]}; the cited facts do not"
    return None


# A video script's structure (pipeline/draft/script.py): shot headings and the crew's notes are not claims
_STRUCTURE = re.compile(r"^\s*(?:#{2,3}\s+(?:Plan|Shot)\s+\d{1,2}\s*$|>\s*(?:Images|Footage)\s*:)")
# A social post's variants (pipeline/draft/variants.py): the network's heading, the hashtag line and the line giving
# the address of the studio's own published page are structure too. Any other address stays a sentence, checked
_NETWORK = re.compile(rf"^\s*##\s+(?:{'|'.join(map(re.escape, NETWORK_NAMES))})\s*$")
_HASHTAGS = re.compile(r"^\s*#[^\W_]\w*(?:\s+#[^\W_]\w*)*\s*$")
_PAGE_LINK = re.compile(r"^\s*>?\s*(?:Lien en bio|Link in bio|Lien|Link)\s*:\s*(?P<address>\S+)\s*$")
_PAGE_PATH = re.compile(r"(?:fr|en)/[a-z0-9][a-z0-9-]*\.html")


def script_structure(sentence: str) -> bool:
    if _STRUCTURE.match(sentence) or _NETWORK.match(sentence) or _HASHTAGS.match(sentence):
        return True
    m = _PAGE_LINK.match(sentence)
    return bool(m) and studio_page(m.group("address"))


def studio_page(address: str) -> bool:
    """A published page's address: `fr/<id>.html`, or that path on the site's base URL (STUDIO_SITE_URL) only."""
    base = os.environ.get("STUDIO_SITE_URL", "").strip().rstrip("/")
    if base and address.startswith(base + "/"):
        address = address[len(base) + 1:]
    return bool(_PAGE_PATH.fullmatch(address))
