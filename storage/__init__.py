"""Persistence: SQLModel tables, the database handle, and query functions.

Nothing here imports the rest of staffroom: `bot` and `handlers` call into it.
"""
