"""The machinery that runs the domain: settings, the Bolt app, serving, the scheduler."""
