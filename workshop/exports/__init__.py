"""Exports: boards and canvases as files people open elsewhere (SVG, PNG, PDF, XLSX). Pure
functions of a board's items and the words to print; nothing here imports Flask."""
