"""Requests have no periodic task of their own: deadline reminders and overdue notices are rules
(gridcase.requests.rules), applied on every change of a request and by the one escalation sweep
(gridcase.escalation.tasks.sweep)."""
