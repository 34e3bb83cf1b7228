"""A local stand-in for Slack: its Web API on 127.0.0.1, recording every call.

Shipped in the package so that `staffroom demo` and the tests share one
implementation: what the demo shows is what the tests check.
"""
