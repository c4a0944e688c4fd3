"""python -m pipeline ...: one module per group of verbs, one JSON printer, the progress bar."""
