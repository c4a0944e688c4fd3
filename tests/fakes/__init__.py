"""Fakes the tests and benches share: an OpenAI-compatible server, a fact index."""
