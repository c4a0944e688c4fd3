"""A social post drafted as one variant per network, each within the network's limit with its hashtags and link.

The post's checked sentences are kept whole, in order, as many as fit the network's limit (one too long is skipped;
when none fits, the post carries fewer hashtags, noted) together with the hashtags of the filière (corpus/hashtags.yaml) and the link to a published page of the same filière; a link counts
as the network counts it (X: 23 characters, Instagram: in the bio, not in the post). Citations are notes, not
posted: they are left out of the count. In the draft's Markdown each variant is one section:

    ## LinkedIn
    <the sentences, cited> [MAR-001]
    #OneProvence #Maritime #AixMarseilleProvence
    Lien : https://site/fr/site-maritime-investors.html      (Link: … in English)

and on a network whose links are not clickable, `> Lien en bio : <address>` (`> Link in bio: …`) instead of the
link line. The checker reads the heading, the hashtag line and the link line as structure (verify/sentences.py).
"""
from __future__ import annotations

import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.corpus.catalogue import PageSpec, load_pages
from pipeline.corpus.facts import Filieres, load_filieres
from pipeline.corpus.networks import Network, SocialOptions, load_hashtags, load_networks, social_options
from pipeline.draft.script import uncited
from pipeline.errors import DraftError
from pipeline.identity import social_hash
from pipeline.verify.checker import cited_ids, split_sentences

LINK_LABEL = {"fr": ("Lien : ", "> Lien en bio : "), "en": ("Link: ", "> Link in bio: ")}
LINK_LINE = re.compile(r"^>?\s*(?:Lien en bio|Link in bio|Lien|Link)\s*:\s*(\S+)\s*$")


@dataclass
class Variant:
    network: Network
    sentences: list[str]
    hashtags: list[str]
    address: str = ""

    def posted(self) -> str:
        """The text as it goes on the network: sentences without citations, the hashtags, the link if clickable."""
        parts = [uncited(" ".join(self.sentences)), " ".join(self.hashtags)]
        if self.network.link_clickable:
            parts.append(self.address)
        return "\n\n".join(p for p in parts if p)

    def length(self) -> int:
        """Characters as the network counts them (a link counts `link_chars` when the network says so)."""
        posted = self.posted()
        if self.network.link_clickable and self.address:
            posted = posted[:len(posted) - len(self.address)]
            return len(posted) + self.network.link_cost(self.address)
        return len(posted)

    def markdown(self, lang: str) -> str:
        link, bio = LINK_LABEL[lang]
        out = [f"## {self.network.name}", "", " ".join(self.sentences), ""]
        if self.hashtags:
            out += [" ".join(self.hashtags), ""]
        if self.address:
            out += [(link if self.network.link_clickable else bio) + self.address, ""]
        return "\n".join(out)


def page_address(page_id: str, lang: str, base_url: str) -> str:
    """Where publish writes a text (pipeline/publish/site.py html_path: <lang>/<id>.html), on the site's base URL."""
    path = f"{lang}/{page_id}.html"
    return f"{base_url.rstrip('/')}/{path}" if base_url else path


class SocialKit:
    """The networks, hashtags and catalogue a social post's variants are made from (read once per drafter)."""

    def __init__(self, networks: list[Network], hashtags: dict, specs: list[PageSpec],
                 options: dict[str, SocialOptions], base_url: str | None = None) -> None:
        self.networks = {n.id: n for n in networks}
        self.hashtags = hashtags
        self.specs = specs
        self.options = options
        self.base_url = os.environ.get("STUDIO_SITE_URL", "") if base_url is None else base_url

    @classmethod
    def load(cls, corpus_dir: Path | None = None, filieres: Filieres | None = None,
             base_url: str | None = None) -> "SocialKit":
        """From corpus_dir (default: the configured corpus, STUDIO_CORPUS_DIR); CorpusError when a file is wrong."""
        if corpus_dir is None:
            from pipeline.config import load_settings
            corpus_dir = load_settings().corpus_dir
        filieres = filieres or load_filieres(corpus_dir)
        networks = load_networks(corpus_dir)
        specs = load_pages(corpus_dir, filieres, check_titles=False)
        return cls(networks, load_hashtags(corpus_dir, filieres), specs,
                   social_options(corpus_dir, networks, {s.id for s in specs}), base_url)

    def networks_of(self, spec: PageSpec) -> list[Network]:
        asked = self.options.get(spec.id, SocialOptions()).networks
        unknown = [n for n in asked if n not in self.networks]
        if unknown:
            raise DraftError(f"social {spec.id!r}: network(s) {', '.join(unknown)} not in corpus/networks.yaml",
                             fix=f"use one of {', '.join(self.networks)} in its networks: (corpus/pages.yaml), or "
                                 "add the network to corpus/networks.yaml with its limit")
        return [self.networks[n] for n in asked] if asked else list(self.networks.values())

    def link_page(self, spec: PageSpec, lang: str) -> PageSpec:
        """The page the post links to: its `link:` item, else the first `page` item of its filière in `lang`."""
        chosen = self.options.get(spec.id, SocialOptions()).link
        for s in self.specs:
            if (s.id == chosen if chosen else s.kind == "page" and spec.filieres[0] in s.filieres) \
                    and lang in s.languages:
                return s
        raise DraftError(f"social {spec.id!r} [{lang}]: no page to link to "
                         f"({'link ' + repr(chosen) if chosen else 'no page item of ' + spec.filieres[0]} in {lang})",
                         fix="give the item link: <id of a page made in that language> in corpus/pages.yaml")

    def tags(self, spec: PageSpec, lang: str) -> list[str]:
        kept = self.hashtags.get(spec.filieres[0], {}).get(lang)
        if kept is None:
            raise DraftError(f"social {spec.id!r} [{lang}]: no hashtags kept for {spec.filieres[0]} in {lang}",
                             fix=f"add {spec.filieres[0]}: {{{lang}: [\"#…\"]}} to corpus/hashtags.yaml")
        return kept

    def inputs_hash(self, spec: PageSpec, lang: str) -> str:
        """What the post's variants are cut from (networks, hashtags, link; identity.social_hash), for staleness."""
        return social_hash([asdict(n) for n in self.networks_of(spec)], self.tags(spec, lang),
                           page_address(self.link_page(spec, lang).id, lang, self.base_url))

    def compose(self, spec: PageSpec, lang: str, body: str) -> tuple[str, list[str], list[dict]]:
        """(the post's Markdown, one section per network; notes; per variant its network, length and limit)."""
        sentences = [body[a:b] for a, b in split_sentences(body)]
        address = page_address(self.link_page(spec, lang).id, lang, self.base_url)
        notes = [] if self.base_url else [f"no STUDIO_SITE_URL: the posts link to the relative path {address}; set "
                                          "STUDIO_SITE_URL to the site's address (as publish --base-url) and draft "
                                          "again"]
        tags = self.tags(spec, lang)
        variants = [fit(spec, net, sentences, tags[:net.hashtags], address, notes) for net in self.networks_of(spec)]
        info = [{"network": v.network.id, "name": v.network.name, "chars": v.length(), "limit": v.network.limit,
                 "sentences": len(v.sentences)} for v in variants]
        return "\n".join(v.markdown(lang) for v in variants), notes, info


def fit(spec: PageSpec, net: Network, sentences: list[str], tags: list[str], address: str,
        notes: list[str] | None = None) -> Variant:
    """Whole sentences, in order, as many as fit `net` with its hashtags and link: a sentence too long is skipped
    (and a connective after it); when no sentence citing a fact fits, fewer hashtags (noted in `notes`), then
    DraftError naming the network."""
    for k in range(len(tags), -1, -1):
        v = Variant(net, [], tags[:k], address)
        kept_last = False
        for s in sentences:
            if not cited_ids(s) and v.sentences and not kept_last:
                continue  # a connective speaks of the sentence before it: not without it
            v.sentences.append(s)
            kept_last = v.length() <= net.limit
            if not kept_last:
                v.sentences.pop()
        if any(cited_ids(s) for s in v.sentences):
            if k < len(tags) and notes is not None:
                notes.append(f"{net.name}: {k} hashtag(s) instead of {len(tags)}, for a sentence to fit "
                             f"{net.limit} characters")
            return v
    need = Variant(net, sentences[:1], tags, address).length()
    raise DraftError(f"social {spec.id!r}: on {net.name} not even one sentence fits (the first: {need} characters "
                     f"with {len(tags)} hashtag(s) and the link; the limit is {net.limit})",
                     fix="shorten the fact's wording, or leave the network out with networks: in corpus/pages.yaml")


def parse(text: str, networks: list[Network]) -> list[Variant]:
    """The variants of a social draft read back from its Markdown (an edited one too); [] when it has none."""
    by_name = {n.name: n for n in networks}
    out: list[Variant] = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("## ") and s[3:].strip() in by_name:
            out.append(Variant(by_name[s[3:].strip()], [], []))
        elif not s or not out:
            continue
        elif LINK_LINE.match(s):
            out[-1].address = LINK_LINE.match(s).group(1)
        elif all(w.startswith("#") and len(w) > 1 for w in s.split()):
            out[-1].hashtags += s.split()
        else:
            out[-1].sentences += [s[a:b] for a, b in split_sentences(s)]
    return out
