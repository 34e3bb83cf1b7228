"""The appraisal year's three objectives: written, agreed and reviewed."""
