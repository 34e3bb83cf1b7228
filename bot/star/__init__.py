"""STAR projects: Smart Tested Action Research (PRODUCT §2.4)."""
