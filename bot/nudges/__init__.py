"""What staffroom owes people at a moment: reminders by DM."""
