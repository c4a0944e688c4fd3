"""The social networks a post is drafted for (corpus/networks.yaml) and the hashtags staff keep (corpus/hashtags.yaml).

Both are validated when read: every problem names the file, the item and the fix (CorpusError). A social item of
pages.yaml may narrow its networks (`networks: [linkedin, x]`) and choose the page it links to (`link: <page id>`);
`social_options` reads those two optional keys and checks them against the configuration and the catalogue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.corpus.facts import Filieres, read_yaml_list
from pipeline.errors import CorpusError

# The networks' names a variant heading may carry (## LinkedIn): the checker reads these headings as structure
NETWORK_NAMES = ("LinkedIn", "Instagram", "X", "Facebook", "Threads", "Bluesky", "Mastodon", "TikTok", "YouTube")
HASHTAG = re.compile(r"^#[^\W_][\w]*$")
_KEYS = {"id", "name", "limit", "hashtags", "link_clickable", "link_chars"}
_FIX = "see corpus/README.md, 'Networks and hashtags'"


@dataclass(frozen=True)
class Network:
    id: str
    name: str
    limit: int
    hashtags: int
    link_clickable: bool = True
    link_chars: int | None = None  # any link counts this many characters (X: 23); None: as written

    def link_cost(self, address: str) -> int:
        """Characters the link takes in the post: none when it is not clickable (it goes in the bio)."""
        if not self.link_clickable or not address:
            return 0
        absolute = address.startswith(("http://", "https://"))
        return self.link_chars if self.link_chars is not None and absolute else len(address)


def load_networks(corpus_dir: Path) -> list[Network]:
    """The networks of corpus/networks.yaml, in file order; CorpusError listing every problem."""
    path = corpus_dir / "networks.yaml"
    raw = read_yaml_list(path, "networks", f"write one mapping per network ({_FIX})")
    out, problems, seen = [], [], set()
    for n, r in enumerate(raw, 1):
        if not isinstance(r, dict):
            problems.append(f"item {n}: not a mapping — fix: give it id, name, limit and hashtags")
            continue
        nid = str(r.get("id") or f"item {n}")
        unknown = sorted(set(r) - _KEYS)
        if unknown:
            problems.append(f"{nid}: unknown key(s) {', '.join(unknown)} — fix: use only {', '.join(sorted(_KEYS))}")
        if not r.get("id"):
            problems.append(f"{nid}: no id — fix: give it an id (what pages.yaml's networks: names)")
        if nid in seen:
            problems.append(f"{nid}: duplicate id — fix: keep one entry per network")
        seen.add(nid)
        name = str(r.get("name") or "")
        if name not in NETWORK_NAMES:
            problems.append(f"{nid}: name {name or 'missing'!r} is not a network the studio knows — fix: one of "
                            f"{', '.join(NETWORK_NAMES)} (pipeline/corpus/networks.py NETWORK_NAMES)")
        limit, tags, chars = r.get("limit"), r.get("hashtags", 0), r.get("link_chars")
        if not _count(limit) or limit == 0:
            problems.append(f"{nid}: no character limit (limit: {limit!r}) — fix: give 'limit:' the network's "
                            "limit in characters, e.g. 280, with its source in a comment")
        if not _count(tags):
            problems.append(f"{nid}: hashtags {tags!r} — fix: give 'hashtags:' how many a post carries (0 or more)")
        if chars is not None and not _count(chars):
            problems.append(f"{nid}: link_chars {chars!r} — fix: a number of characters, or leave it out")
        clickable = r.get("link_clickable", True)
        if not isinstance(clickable, bool):
            problems.append(f"{nid}: link_clickable {clickable!r} — fix: true or false")
        if not problems:
            out.append(Network(nid, name, limit, tags, clickable, chars))
    if problems:
        raise CorpusError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems), fix=f"correct them ({_FIX})")
    return out


def _count(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def load_hashtags(corpus_dir: Path, filieres: Filieres) -> dict[str, dict[str, list[str]]]:
    """{filière: {lang: hashtags}} from corpus/hashtags.yaml; CorpusError naming the filière, the tag and the fix."""
    path = corpus_dir / "hashtags.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found", fix="restore corpus/hashtags.yaml from git")
    except yaml.YAMLError as exc:
        raise CorpusError(f"{path}: not valid YAML ({exc})", fix="fix the YAML syntax at the line shown; quote every "
                                                                 "hashtag (\"#Tag\"): unquoted, # starts a comment")
    if not isinstance(raw, dict):
        raise CorpusError(f"{path}: expected a mapping filière -> {{fr: [...], en: [...]}}", fix=_FIX)
    out, problems = {}, []
    for fid, langs in raw.items():
        if fid not in filieres:
            problems.append(f"{fid}: unknown filière — fix: use an id of corpus/filieres.yaml "
                            f"({', '.join(sorted(filieres.items))})")
            continue
        if not isinstance(langs, dict) or not set(langs) <= {"fr", "en"}:
            problems.append(f"{fid}: expected fr: and en: lists — fix: write fr: [\"#…\"] and en: [\"#…\"]")
            continue
        out[fid] = {}
        for lang, tags in langs.items():
            if not isinstance(tags, list):
                problems.append(f"{fid} ({lang}): not a list — fix: write {lang}: [\"#Tag\", …]")
                continue
            for tag in tags:
                why = hashtag_problem(tag)
                if why:
                    problems.append(f"{fid} ({lang}): {why}")
            out[fid][lang] = [t for t in tags if not hashtag_problem(t)]
    if problems:
        raise CorpusError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems), fix=f"correct them ({_FIX})")
    return out


def hashtag_problem(tag) -> str | None:
    """Why `tag` is no hashtag a network would read as one, with the fix; None when it is one."""
    if tag is None or str(tag).strip() == "":
        return "an empty hashtag — fix: quote it (\"#Tag\"): unquoted, YAML reads # as a comment"
    t = str(tag)
    if re.search(r"\s", t):
        joined = "#" + re.sub(r"[#\s]+", "", t.title())
        return f"{t!r} has a space — fix: one word, e.g. {joined!r}"
    if not t.startswith("#"):
        return f"{t!r} has no # — fix: write {'#' + t!r}"
    if not HASHTAG.match(t):
        return f"{t!r} is not one word of letters and digits after # — fix: drop the punctuation"
    return None


@dataclass(frozen=True)
class SocialOptions:
    networks: tuple[str, ...] = ()  # ids; empty: every configured network
    link: str = ""                  # a page id; empty: the filière's first page


def social_options(corpus_dir: Path, networks: list[Network], page_ids: set[str]) -> dict[str, SocialOptions]:
    """The optional `networks:` and `link:` of the social items of pages.yaml, checked: an unknown network or page is
    a CorpusError naming the item and the fix."""
    path = corpus_dir / "pages.yaml"
    raw = read_yaml_list(path, "items", "see corpus/README.md, 'Pages'")
    known = [n.id for n in networks]
    out, problems = {}, []
    for r in raw:
        if not isinstance(r, dict) or r.get("kind") != "social":
            continue
        pid, asked, link = str(r.get("id")), r.get("networks") or [], str(r.get("link") or "")
        if not isinstance(asked, list):
            asked = [asked]
        for n in asked:
            if n not in known:
                problems.append(f"{pid}: network {n!r} is not in corpus/networks.yaml — fix: use one of "
                                f"{', '.join(known)}, or add it to corpus/networks.yaml with its limit")
        if link and link not in page_ids:
            problems.append(f"{pid}: link {link!r} is no page of the catalogue — fix: give the id of a page item "
                            "(e.g. site-maritime-investors), or leave link: out")
        out[pid] = SocialOptions(tuple(str(n) for n in asked), link)
    if problems:
        raise CorpusError(f"{path}: {len(problems)} problem(s): " + "; ".join(problems),
                          fix="correct those social items in corpus/pages.yaml (corpus/README.md, 'Networks and "
                              "hashtags')")
    return out
