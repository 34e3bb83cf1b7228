"""Commend a colleague: giving praise, and what a person has received."""
