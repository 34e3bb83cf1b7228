"""The IT admin's work on records: the roster, data-subject export and erasure."""
