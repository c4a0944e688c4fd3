"""What staff edit: facts, the page catalogue, the seed importer, validation."""
