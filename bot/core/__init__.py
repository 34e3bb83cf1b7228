"""What every feature shares: the calendar, the trust framework, people, who may see what, errors."""
