"""The outbox: every message the app owes is queued, then sent exactly once."""
