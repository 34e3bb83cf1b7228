"""`staffroom demo`: the real app against the local Slack stand-in, with a sample trust."""
