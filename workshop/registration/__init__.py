"""Registration for a lab: places, the waiting line and the personal links. No Flask here."""
