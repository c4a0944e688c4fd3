"""Figures, units, entities, the claim checker, the LLM judge and the claims evaluation."""
