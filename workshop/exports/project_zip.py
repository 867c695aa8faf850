"""A whole project as one ZIP: its record, every board in every format, the registry, the
logframe workbook, the report, the attendance of its live sessions and its named snapshots,
with a README that lists what is inside.

The archive is written into a spooled temporary file: small projects stay in memory, a large
one (many boards, big PDFs) spills to disk instead of holding the whole ZIP in RAM. Member
names are made safe here, once: letters of any language stay (an Italian board keeps its
accents), separators, dots that climb and control characters go.

Nothing here imports Flask: the caller renders what needs templates and translations.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any

import sqlalchemy as sa

SPOOL_BYTES = 16 * 1024 * 1024  # past 16 MB the archive is written to disk, not memory
MAX_NAME_CHARS = 80  # per path segment: ZIP readers and file systems cope, people can read it
README_NAME = "LEGGIMI-README.txt"
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')  # separators, reserved on Windows, control


def safe_name(text: str, fallback: str = "file") -> str:
    """One path segment from any text: accents kept, nothing that climbs or separates."""
    name = unicodedata.normalize("NFC", str(text))
    name = UNSAFE.sub("-", name)
    name = re.sub(r"\s+", " ", name).strip(" .-")  # no leading dots: no "..", no hidden files
    name = name[:MAX_NAME_CHARS].rstrip(" .-")
    return name or fallback


@dataclass(frozen=True)
class Entry:
    path: str
    description: str
    size: int


class ProjectZip:
    """An archive being written. `add` each member, then `finish` with the README's words."""

    def __init__(self, spool_bytes: int = SPOOL_BYTES) -> None:
        self.spool_bytes = spool_bytes
        self.size = 0
        self.file: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=spool_bytes)
        self.zip = zipfile.ZipFile(self.file, "w", compression=zipfile.ZIP_DEFLATED)
        self.entries: list[Entry] = []
        self._names: set[str] = set()

    def add(self, folder: str, name: str, data: bytes | str, description: str) -> str:
        """Add one member; returns its path. A name already taken gets " (2)" before its extension."""
        # A segment of nothing but dots ("..") is dropped: a member never climbs out.
        segments = [seg for seg in (safe_name(s, "") for s in folder.split("/")) if seg]
        stem, dot, ext = safe_name(name).rpartition(".")
        if not dot:
            stem, ext = ext, ""
        path = "/".join([*segments, f"{stem}.{ext}" if ext else stem])
        n = 2
        while path.casefold() in self._names:
            path = "/".join([*segments, f"{stem} ({n}).{ext}" if ext else f"{stem} ({n})"])
            n += 1
        self._names.add(path.casefold())
        body = data.encode("utf-8") if isinstance(data, str) else data
        self.zip.writestr(path, body)
        self.entries.append(Entry(path, description, len(body)))
        return path

    def finish(self, title: str, intro: str, generated: str) -> IO[bytes]:
        """Write the README listing every member, close the archive; the file, at its start."""
        lines = [title, "=" * len(title), "", intro, "", generated, ""]
        width = max((len(e.path) for e in self.entries), default=0)
        lines += [f"{e.path.ljust(width)}  {e.description} ({_size(e.size)})" for e in self.entries]
        self.zip.writestr(README_NAME, "\n".join(lines) + "\n")
        self.zip.close()
        self.size = self.file.tell()
        self.file.seek(0)
        return self.file

    @property
    def in_memory(self) -> bool:
        """Still in memory (not spilled to disk): small enough to answer with in one piece."""
        return self.size <= self.spool_bytes


def _size(n: int) -> str:
    return (
        f"{n} B"
        if n < 1024
        else f"{n / 1024:.1f} KB"
        if n < 1024 * 1024
        else f"{n / 1024 / 1024:.1f} MB"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def project_record(
    project: Any, boards: Iterable[Any], board_files: Mapping[int, str]
) -> dict[str, Any]:
    """The project's record as stored (every column), and its boards with their folder."""
    record = {
        c.key: _plain(getattr(project, c.key)) for c in sa.inspect(project).mapper.column_attrs
    }
    return {
        "format": "tavolo-project",
        "version": 1,
        "project": record,
        "boards": [
            {
                "id": b.id,
                "kind": _plain(b.kind),
                "title": b.title,
                "position": b.position,
                "folder": board_files.get(b.id, ""),
            }
            for b in boards
        ],
    }


SNAPSHOT_COLUMNS = ("board_id", "board", "seq", "kind", "name", "created_at", "created_by")


def snapshots_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """The named snapshots, one a row. Text a spreadsheet would run as a formula is made inert."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SNAPSHOT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: inert(_plain(row[k])) for k in SNAPSHOT_COLUMNS})
    return out.getvalue()


def inert(value: Any) -> Any:
    """A cell starting with = + - @ would run as a formula in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
