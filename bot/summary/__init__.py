"""Leader summaries: counts by school for channels (bot.core.visibility)."""
