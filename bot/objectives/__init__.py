"""The appraisal year's three objectives: written, agreed and reviewed (PRODUCT §2.5a)."""
