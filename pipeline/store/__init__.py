"""The drafts database: its schema and migrations, the draft record, and every query the studio runs on it."""
