"""A social post links to a page of the site (draft/variants.py): it is published only when that page is.

A post drafted before its page was approved, or linking to another site than the one being published, would send
its readers to a missing page: it is withheld, naming the address and the page, until that page is published too."""
from __future__ import annotations

import re

from pipeline.draft.variants import LINK_LINE


def links(text: str) -> list[str]:
    """The addresses of a post's link lines ("Lien : …", "> Link in bio: …"; draft/variants.py writes them), in
    order, each once."""
    found = (LINK_LINE.match(line.strip()) for line in text.splitlines())
    return list(dict.fromkeys(m.group(1) for m in found if m))


def site_path(address: str, base_url: str) -> str | None:
    """The site path an address names (`fr/site-maritime.html`), or None when it is on another site."""
    base = base_url.rstrip("/")
    if base and address.startswith(base + "/"):
        return address[len(base) + 1:]
    if re.match(r"^[a-z][a-z0-9+.-]*://", address, re.I):
        return None  # absolute, elsewhere (or drafted for another STUDIO_SITE_URL than this --base-url)
    return address.lstrip("/")


def dead_links(text: str, published: set[str], base_url: str) -> list[tuple[str, str]]:
    """(address, why) for each link of `text` that no page of this publish answers."""
    out = []
    for address in links(text):
        path = site_path(address, base_url)
        if path is None:
            where = f"the site being published ({base_url})" if base_url else "this site (publish has no --base-url)"
            out.append((address, f"links to {address}, which is not on {where}"))
        elif path not in published:
            out.append((address, f"links to {path}, a page that is not published (not approved, or withheld)"))
    return out
