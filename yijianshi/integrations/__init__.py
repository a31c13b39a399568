"""Department integrations: how each department works on the item cases it handles, and the outbox that tells it.

004 annex 3 三(三): a department works in our workbench, or in its own system that we push to and that reports
back through our API, or with no connected system, where an officer updates progress by hand. The services
write outbox rows in the caller's transaction (STYLE.md: a crash never loses nor duplicates a message); a
runner (a thread in the web process, or a Celery worker) delivers them through the department's connector.
See docs/integrations.md.
"""
