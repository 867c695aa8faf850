"""Files the site hands out: their names, headers and the words printed in them."""

from __future__ import annotations

import re
import unicodedata

from flask import Response
from flask_babel import get_locale

from workshop.exports import diagram
from workshop.models import Board
from workshop.web.i18n import board_label


def download_name(board: Board, extension: str) -> str:
    """An ASCII file name from the board's name: "teoria-del-cambiamento-12.xlsx"."""
    name = unicodedata.normalize("NFKD", board_label(board)).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "board"
    return f"{slug}-{board.id}.{extension}"


def download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """An attachment that never runs as a page of ours."""
    # A type that names its charset goes out as written: given as `mimetype`, Werkzeug would
    # add "; charset=utf-8" to a text/* type a second time.
    if "charset=" in mimetype.lower():
        response = Response(body, content_type=mimetype)
    else:
        response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An SVG opened from our origin must not run anything it might hold.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def diagram_labels() -> diagram.Labels:
    """How a drawn board names its types, its grid and its values in the reader's language."""
    from workshop.web.board_strings import board_strings

    locale = get_locale()
    return diagram.Labels.of(board_strings(), lang=locale.language if locale else "it")


def attachment_disposition(name: str) -> str:
    """Content-Disposition for a file under the name its uploader gave it: an ASCII fallback,
    and the exact name RFC 5987-encoded (filename*), which every current browser prefers."""
    from urllib.parse import quote

    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = re.sub(r"[^A-Za-z0-9._ -]+", "_", fallback).strip() or "file"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
