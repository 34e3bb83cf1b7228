"""Informal feedback and lesson visits."""
