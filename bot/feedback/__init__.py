"""Informal feedback and lesson visits (PRODUCT §2.3)."""
