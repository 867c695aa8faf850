"""Co-programmazione's needs register and its documento di sintesi (issue 17). No Flask here."""
