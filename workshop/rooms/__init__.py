"""Rooms and the conductor: live sessions with a plenary and small groups, the facilitation
controls, votes, signals, attendance and harvest. Domain code: no Flask, no sockets."""
