"""The Académie's documents: read them (reader), keep them in the corpus (registry), propose facts from them."""
