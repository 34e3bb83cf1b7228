"""What every feature shares: calendar, trust framework, people, who sees what, errors."""
