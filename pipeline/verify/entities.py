"""Named things in a sentence (organisations, programmes, places), to tell which entity a figure is about.

A name is a run of capitalised words ("Provence Studios", "Airbus Helicopters", "CMA CGM"). Words are compared
by their first five letters without accents, so that French facts and English copy meet on cognates
(olympique / Olympic, métropole / metropolis). A name matches a fact when the fact holds every place word of
the name and, if the name has other words, at least one of them.
"""
from __future__ import annotations

import re
from typing import Iterable

from pipeline.verify.figures import fold

STOP = set("""
le la les l un une des du de d au aux à a en et ou dans sur pour par avec selon depuis chez entre plus moins près
ce cet cette ces son sa ses leur leurs il elle ils elles on nous vous c qu que qui dont où sans après avant
the an of in on at for by with from to and or since according its their his her this that these those it they
we our over more nearly about around some almost as is are was were be been has have had not no also only
all both each every many much most other such than then there here when where which who why how
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
january february march april may june july august september october november december
lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday
""".split())
# Nouns that are capitalised in names but say nothing about which entity: "the Metropolis", "Port of".
GENERIC = set("""
métropole metropolis metropole metropolitan ville city town port université university universite agence agency
groupe group site centre center pôle pole cluster capitale capital grand greater great territoire territory
area zone région region airport aéroport aeroport station gare stadium stade record nouveau new first premier
première second deuxième third troisième selon according english french british american european
anglais anglaise français française européen européenne language wikipedia-en games jeux
factory usine project projet cluster
""".split())
# The generic nouns that, with a place name, make the name of one body: "Aix-Marseille Université" is not the
# territory "Aix-Marseille", "Marseille Provence Airport" not the city.
ORGANISATION_NOUNS = {"université", "universite", "university", "aéroport", "aeroport", "airport", "gare", "station",
                      "stade", "stadium", "agence", "agency"}
PLACES = set("""
marseille provence aix en-provence france paris lyon europe européenne europeenne european méditerranée
mediterranee mediterranean bouches rhône rhone paca sud alpes côte cote azur fos mer marignane vitrolles martigues
""".split())
TERRITORY = {"aix", "marse", "prove", "en-pr", "sud"}  # stems of the territory's own names
_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'’]*")
_LINK = {"de", "la", "du", "des", "d", "of", "the", "et", "and", "&", "le", "les"}
_UNIT_ACRONYMS = {"EVP", "TEU", "MW", "GW", "MT", "EUR", "USD", "KM", "M", "MD", "MDS", "PIB", "GDP", "CA", "ETP",
                  "FTE", "TGV"}


def stem(word: str) -> str:
    """Accent-free, lower-case, elision-free first five letters."""
    w = fold(word).replace("’", "'")
    w = re.sub(r"^(l|d|qu|c|j|n|s)'", "", w)
    w = re.sub(r"'s$", "", w).strip("'")
    return w[:5]


def word_stems(text: str) -> set[str]:
    """Stems of every word of a text (stop words left out)."""
    return {stem(t) for m in _WORD.finditer(text) for t in m.group(0).split("-")
            if fold(t) not in STOP and len(t) > 1}


def _is_cap(w: str) -> bool:
    return w[0].isupper() and w.upper() not in _UNIT_ACRONYMS


def entity_lexicon(statements: Iterable[str]) -> set[str]:
    """Words (folded) written with a capital inside a sentence of the corpus: names of things."""
    lex: set[str] = set()
    for text in statements:
        for i, m in enumerate(_WORD.finditer(text)):
            if i > 0 and _is_cap(m.group(0)):
                lex.add(fold(re.sub(r"^[A-Za-z][’']", "", m.group(0))))
    return lex


def name_phrases(sentence: str, lexicon: set[str], places: set[str] | frozenset[str] = frozenset()
                 ) -> list[tuple[frozenset[str], frozenset[str], str]]:
    """Names in a sentence, each as (place stems, other stems, the name as written); `places`: more place words
    (folded) than PLACES, the home territory's (home_words)."""
    phrases, cur, extra_places = [], [], places
    prev_end = 0
    for i, m in enumerate(_WORD.finditer(sentence)):
        w = m.group(0)
        if cur and sentence[prev_end:m.start()].strip(" \u00a0'’") not in ("", "-"):
            phrases.append(cur)  # punctuation ends a name
            cur = []
        prev_end = m.end()
        bare = re.sub(r"^[A-Za-z][’']", "", w)
        cap = bool(bare) and _is_cap(bare)
        if cap and i == 0 and fold(bare) not in lexicon and not re.fullmatch(r"[A-Z0-9-]{2,}", bare):
            cap = False  # a capital at the start of a sentence is not a name unless the corpus knows it as one
        if cap and fold(bare) not in STOP:
            cur.append(bare)
        elif cur and fold(w) in _LINK:
            cur.append("")
        else:
            if cur:
                phrases.append(cur)
            cur = []
    if cur:
        phrases.append(cur)
    out = []
    for p in phrases:
        places, other, kinds = set(), set(), set()
        for w in p:
            for t in w.split("-"):
                f = fold(t)
                if f in ORGANISATION_NOUNS:
                    kinds.add(stem(t))
                if not t or f in STOP or f in GENERIC or len(t) < 2:
                    continue
                (places if f in PLACES or f in extra_places else other).add(stem(t))
        if places and kinds and not other:
            other = kinds  # "Aix-Marseille University", "Marseille Provence Airport": a body, not the territory
        if places or other:
            out.append((frozenset(places), frozenset(other), " ".join(w for w in p if w).replace(" - ", "-")))
    return out


def organisations(phrases) -> list[str]:
    """Readable list of the non-place names, for messages."""
    return sorted({text for _, o, text in phrases if o})


def related(phrases, sentence_stems: set[str], fact_stems: set[str]) -> bool:
    """Is the fact about what the sentence is about? (names first; shared words when there is no name)"""
    def ok(places, other):
        return places <= fact_stems and (not other or bool(other & fact_stems))
    orgs = [(p, o) for p, o, _ in phrases if o]
    if orgs:
        return all(ok(p, o) for p, o in orgs)
    places = [(p, o) for p, o, _ in phrases if p]
    if places:
        return any(ok(p, o) for p, o in places)
    return len(sentence_stems & fact_stems) >= 2


def unknown_names(phrases, fact_stems: set[str], glossary: dict[str, set[str]] | None = None,
                  home_context: bool = True, territory: set[str] | frozenset[str] = TERRITORY) -> list[str]:
    """The names of a sentence its facts do not hold: a place word missing, or most of a name's other words (an
    English word counts as held when the glossary maps it to a French word the facts use). The territory's own
    names are context, not a claim (`home_context`), except when the facts are about another territory."""
    glossary = glossary or {}

    def held(s: str) -> bool:
        return s in fact_stems or bool(glossary.get(s, set()) & fact_stems)
    out = []
    for places, other, text in phrases:
        if home_context and not other and places <= territory:
            continue  # the territory's own names (Provence, Aix-Marseille-Provence) are context, not a claim
        if not all(held(s) for s in places):
            out.append(text)
        elif other and sum(not held(s) for s in other) > (0 if len(other) <= 2 else len(other) // 2):
            out.append(text)
    return out


def home_words(names: list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """(folded place words, stems) of the home territory's names ("Brévalle", "Val de Brève"): places in a name, and
    context rather than a claim, like PLACES and TERRITORY's own (the shipped home's) words."""
    words = {fold(t) for n in names for m in _WORD.finditer(n) for t in m.group(0).split("-")
             if len(t) > 1 and fold(t) not in STOP and fold(t) not in GENERIC}
    return frozenset(words), frozenset(stem(w) for w in words)


def alias_stems(texts: list[str], aliases: dict[str, list[str]]) -> set[str]:
    """Stems of every name of an alias group (corpus/aliases.yaml) one of whose names the texts use."""
    folded = fold(" ".join(texts))
    out: set[str] = set()
    for short, names in aliases.items():
        group = [short, *names]
        if any(re.search(rf"(?<![\w-]){re.escape(fold(n))}(?![\w-])", folded) for n in group if len(n) > 2):
            out |= word_stems(" ".join(group))
    return out
