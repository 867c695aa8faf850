"""Who someone is and what they may reach: pure domain code, no Flask."""
