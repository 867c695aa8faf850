"""The board engine: item types, changes, the per-board sequencer and history. No Flask here."""
