"""The public site, safe Markdown to HTML, the documents, the output folder."""
