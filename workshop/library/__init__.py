"""The practice library: catalogued materials (files.py checks and stores uploads,
catalogue.py keeps the records and their links) and case histories (cases.py)."""
