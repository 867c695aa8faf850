"""Audio and video calls between the people of a room (docs/calls.md). No Flask here."""
