"""Commend a colleague (PRODUCT §2.2): giving praise, and what a person has received."""
