"""Deliberation has no periodic task of its own: the end of publicity, execution reminders and
overdue notices are rules (gridcase.deliberation.rules), applied on every change of a topic and by
the one escalation sweep (gridcase.escalation.tasks.sweep)."""
