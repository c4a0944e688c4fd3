"""Dense + lexical retrieval, fusion, filters, the fact base search and the retrieval evaluation."""
