"""The leadership ladder and its ragging sheets (PRODUCT §2.5)."""
