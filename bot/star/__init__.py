"""STAR projects: Smart Tested Action Research."""
