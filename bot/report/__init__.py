"""The Staff Appraisal Report: a person's year on one printable document."""
