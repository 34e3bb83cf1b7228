"""The leadership ladder and its ragging sheets."""
