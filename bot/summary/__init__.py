"""Leader summaries: counts by school for channels (PRODUCT §1)."""
