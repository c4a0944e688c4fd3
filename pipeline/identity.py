"""The one owner of each computed identity: a draft's hashes and the audit log's entry hash.

The one owner of each computed identity a draft carries: its text hash and its inputs key (and their parts), and
of the audit log's entry hash.

Drafting records these, staleness compares them, review audits them and publish checks them; if two places computed
one of them apart and ever drifted, every draft would read as stale or every approval as tampered with."""
from __future__ import annotations

import hashlib
import json
from datetime import timezone


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_sha256(path) -> str:
    """The sha256 of a file's bytes, read in 1 MB chunks: a photo's identity in the library, a published file's in
    the site's marker, a backed-up file's in the manifest."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def social_hash(networks: list[dict], hashtags: list[str], link: str) -> str:
    """The hash of what shapes a social post besides its facts: the networks it is cut for (limits, link rules),
    the hashtags it carries and the page it links to."""
    return _sha256(json.dumps({"networks": networks, "hashtags": hashtags, "link": link}, sort_keys=True))


def text_hash(text: str) -> str:
    """The hash of a draft's text, as recorded in the audit log at approval and checked again by publish."""
    return _sha256(text)


def page_hash(spec) -> str:
    """The hash of a catalogue entry's definition (a PageSpec)."""
    return _sha256(json.dumps(spec.to_json(), sort_keys=True))


def brand_hash(brand: str) -> str:
    """The hash of the brand voice (corpus/brand.md) given to the model."""
    return _sha256(brand)


def draft_inputs(spec, lang: str, facts, prompt_hash: str, brand: str, settings) -> dict:
    """Everything that produces a draft: the page's definition, the facts given (with their content hashes), the
    prompt, the brand voice and the model settings (`settings`: LLMSettings)."""
    return {"page": page_hash(spec), "lang": lang,
            "facts": sorted([f.id, f.content_hash] for f in facts),
            "prompt": prompt_hash, "brand": brand_hash(brand), "backend": settings.backend,
            "model": settings.model, "temperature": settings.temperature}


def inputs_key(inputs: dict) -> str:
    """Same inputs, same key: regeneration skips an item whose key matches a stored draft."""
    return _sha256(json.dumps(inputs, sort_keys=True))


AUDIT_FIELDS = ("ts", "actor", "action", "draft_id", "page_id", "lang", "version", "text_hash", "detail")


def audit_entry_hash(prev_hash: str, entry: dict) -> str:
    """The hash of one audit-log entry (its AUDIT_FIELDS, as the database gives them back) chained to the entry
    before it (`prev_hash`; "" for the first): store/audit_chain.py writes it with every entry, back-fills it for
    older ones and recomputes it to prove nothing was changed, removed or re-ordered. It never changes: every
    stored chain depends on it."""
    fields = {k: entry.get(k) for k in AUDIT_FIELDS}
    ts = fields["ts"]
    if ts is not None:  # aware UTC with microseconds, as SQLite and PostgreSQL both read it back
        ts = ts.replace(tzinfo=timezone.utc) if ts.tzinfo is None else ts.astimezone(timezone.utc)
        fields["ts"] = ts.isoformat(timespec="microseconds")
    fields["detail"] = fields["detail"] or {}
    return _sha256(prev_hash + "\n" + json.dumps(fields, sort_keys=True, ensure_ascii=False))
