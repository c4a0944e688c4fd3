"""Planning, writing, checking and repairing drafts; staleness; batch regeneration and its run records."""
