"""A meeting's record (issue 17): the decisions and dissent marked during it, and its verbale."""
