"""The monitoring calendar (issue 17): collection tasks from the theory of change's indicators,
a measurement entered by the indicator's owner through a personal link, reminders of late tasks.
Nothing here imports Flask (docs/monitoring.md)."""
