"""Corpus to vectors: the embedding adapter, the Chroma adapter (the only chromadb import), ingest."""
