"""The one owner of each computed identity a draft carries: its text hash and its inputs key (and their parts).

Drafting records these, staleness compares them, review audits them and publish checks them; if two places computed
one of them apart and ever drifted, every draft would read as stale or every approval as tampered with."""
from __future__ import annotations

import hashlib
import json


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
