"""The application core, in rooms that say what they are.

The domain, one package per feature (rules beside use-cases; no Slack, no SQL text):
`commend`, `feedback`, `star`, `ladder`, `summary`, `nudges`, `home`, and `core`
for what they share (calendar, framework, people, visibility, errors).
The IT admin's work on records: `admin`. The machinery that runs it all: `runtime`
(settings, the Bolt app, serving, the scheduler and its tick), `outbox` (queueing and
sending every message exactly once) and `cli` (the `staffroom` command).
"""
