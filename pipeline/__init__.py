"""Content studio pipeline: corpus -> index -> retrieve -> (draft -> verify -> review -> publish)."""
