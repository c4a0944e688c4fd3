"""Prices per million tokens, for estimates before a run. Override with STUDIO_PRICE_IN / STUDIO_PRICE_OUT."""
from __future__ import annotations

import os

# USD per million tokens (input, output). Local models cost nothing but electricity.
PRICES = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


def price_for(backend: str, model: str) -> tuple[float, float]:
    """(input, output) USD per million tokens for a backend and model."""
    if os.environ.get("STUDIO_PRICE_IN") or os.environ.get("STUDIO_PRICE_OUT"):
        return float(os.environ.get("STUDIO_PRICE_IN", "0")), float(os.environ.get("STUDIO_PRICE_OUT", "0"))
    if backend != "openai":
        return 0.0, 0.0
    return PRICES.get(model, PRICES["gpt-4o-mini"])


def cost(backend: str, model: str, tokens_in: int, tokens_out: int) -> float:
    """Estimated cost in USD."""
    p_in, p_out = price_for(backend, model)
    return round((tokens_in * p_in + tokens_out * p_out) / 1e6, 6)
