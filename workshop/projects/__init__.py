"""Projects: co-design initiatives, their case-history record and their boards. No Flask."""
