"""The agency and its home territory, as the site, the documents and the prompts name them.

The agency and its home territory as the published site, the documents and the prompts name them: the `agency:`
block of corpus/territories.yaml, the home territory's names filling what it leaves out.

Another territory runs the studio by pointing STUDIO_CORPUS_DIR at its own corpus (its territories.yaml names its
home and its agency); no name of a territory is written in the code. `current()` is the agency of the configured
corpus (STUDIO_CORPUS_DIR), unless a caller working on another corpus wraps its work in `using(agency)`.

Prompts name the agency with {{agency.FIELD}} (e.g. "You write for {{agency.name}}, the attractiveness agency of
{{agency.territory_en}}."): `fill` replaces them when a prompt file is read, before it is hashed, so a prompt reads
(and hashes) exactly as it did when the names were written in it."""
from __future__ import annotations

import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from pipeline.config import REPO_ROOT
from pipeline.errors import CorpusError

SHIPPED_CORPUS = REPO_ROOT / "corpus"
AGENCY_KEYS = ("name", "tagline_fr", "tagline_en", "intro_fr", "intro_en", "short_fr", "short_en", "in_fr", "in_en")
_FIELD = re.compile(r"\{\{\s*agency\.([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class Agency:
    name: str                 # "One Provence": the site's brand, the documents' author, the open data's publisher
    territory_fr: str         # the home territory's name (territories.yaml): "Aix-Marseille-Provence"
    territory_en: str
    tagline_fr: str           # under the brand on every page: "Agence d'attractivité d'Aix-Marseille-Provence"
    tagline_en: str
    intro_fr: str             # the home page's lede
    intro_en: str
    short_fr: str             # the territory in running text: "Provence"
    short_en: str
    in_fr: str                # "en Provence", "à Brévalle"
    in_en: str                # "in Provence"

    def territory(self, lang: str) -> str:
        return self.territory_en if lang == "en" else self.territory_fr

    def tagline(self, lang: str) -> str:
        return self.tagline_en if lang == "en" else self.tagline_fr

    def intro(self, lang: str) -> str:
        return self.intro_en if lang == "en" else self.intro_fr

    @property
    def slug(self) -> str:
        """The name as an identifier: "one-provence" (the open data package's name)."""
        from pipeline.textnorm import fold
        return re.sub(r"[^a-z0-9]+", "-", fold(self.name).lower()).strip("-") or "agence"


def _de(name: str) -> str:
    """ "de Brévalle", "d'Aix-Marseille-Provence" (French elision before a vowel or a mute h)."""
    return f"d'{name}" if name[:1].lower() in "aeiouyhâàéèêëîïôöûü" else f"de {name}"


def load_agency(corpus_dir: Path) -> Agency:
    """The agency of the corpus in `corpus_dir`: territories.yaml's `agency:` block over defaults made from the
    home territory's names; refused naming the key when the block has one it does not know. A corpus without the
    block whose home is the shipped corpus's (an older copy of it, from before the block) is the shipped agency."""
    from pipeline.corpus.indicators import TERRITORIES_FILE, _read, load_territories
    terr = load_territories(corpus_dir)
    home = terr.items.get(terr.home)
    fr = home.name_fr if home else terr.home
    en = home.name_en if home else terr.home
    whole = _read(corpus_dir / TERRITORIES_FILE) or {}
    if "agency" not in whole and Path(corpus_dir).resolve() != SHIPPED_CORPUS.resolve():
        shipped = _read(SHIPPED_CORPUS / TERRITORIES_FILE) or {}
        if shipped.get("agency") and str(shipped.get("home")) == terr.home:
            return load_agency(SHIPPED_CORPUS)  # an older copy of the shipped corpus: the same agency, same prompts
    raw = whole.get("agency") or {}
    path = corpus_dir / TERRITORIES_FILE
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: 'agency:' is not a block of fields",
                          fix="give 'agency:' fields such as 'name: …' (corpus/README.md, 'The agency')")
    unknown = [k for k in raw if k not in AGENCY_KEYS]
    if unknown:
        raise CorpusError(f"{path}: unknown field {unknown[0]!r} under 'agency:'",
                          fix="known fields: " + ", ".join(AGENCY_KEYS))
    name = str(raw.get("name") or f"Agence d'attractivité {_de(fr)}")
    values = {"name": name, "territory_fr": fr, "territory_en": en,
              "tagline_fr": f"Agence d'attractivité {_de(fr)}", "tagline_en": f"The {en} attractiveness agency",
              "intro_fr": f"Chiffres, argumentaires et portraits {_de(fr)}, relus et approuvés par l'agence. "
                          "Chaque chiffre renvoie à sa source.",
              "intro_en": f"Figures, investment cases and portraits of {en}, reviewed and approved by the agency. "
                          "Every figure links to its source.",
              "short_fr": fr, "short_en": en, "in_fr": f"à {fr}", "in_en": f"in {en}"}
    values.update({k: str(v) for k, v in raw.items() if v is not None})
    return Agency(**values)


@lru_cache(maxsize=8)
def _load_cached(corpus_dir: str, stamp: float) -> Agency:
    return load_agency(Path(corpus_dir))


_CURRENT: ContextVar[Agency | None] = ContextVar("studio_agency", default=None)
_CORPUS: dict[str | None, Path] = {}


def current() -> Agency:
    """The agency being published or prompted for: the one set by `using`, else the configured corpus's."""
    set_ = _CURRENT.get()
    if set_ is not None:
        return set_
    key = os.environ.get("STUDIO_CORPUS_DIR")
    corpus = _CORPUS.get(key)
    if corpus is None:  # the settings read once per value of STUDIO_CORPUS_DIR (every page asks for the agency)
        from pipeline.config import load_settings
        corpus = _CORPUS[key] = load_settings().corpus_dir
    path = corpus / "territories.yaml"
    try:
        stamp = path.stat().st_mtime
    except OSError:
        stamp = 0.0
    return _load_cached(str(corpus), stamp)


@contextmanager
def using(agency: Agency):
    """Work on `agency` (a corpus other than the configured one) inside the block."""
    token = _CURRENT.set(agency)
    try:
        yield agency
    finally:
        _CURRENT.reset(token)


def fill(text: str, agency: Agency | None = None) -> str:
    """`text` with every {{agency.FIELD}} replaced by the agency's value; an unknown field is refused."""
    a = agency or current()
    names = {f.name for f in fields(Agency)}

    def one(m: re.Match) -> str:
        if m.group(1) not in names:
            from pipeline.errors import PromptError
            raise PromptError(f"unknown placeholder {m.group(0)}", fix="use one of: " + ", ".join(
                "{{agency.%s}}" % n for n in sorted(names)))
        return getattr(a, m.group(1))
    return _FIELD.sub(one, text)
