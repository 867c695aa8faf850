"""Uploaded files of the library: their type checked by content, stored under random names.

The extension says what the uploader claims; the first bytes (and, for the ZIP-based office
formats, the names inside the archive) say what the file is. Both must agree, and the type
served back is ours, never the browser's.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from workshop.boards.errors import BadRequest
from workshop.models.library import MAX_FILE_NAME_CHARS

MAX_MATERIAL_BYTES = 10 * 1024 * 1024  # 10 MiB: a scanned regulation fits, a video does not
SNIFF_BYTES = 64  # the longest signature we compare is ODF's "mimetype" entry, at byte 38
STORED_NAME = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)


@dataclass(frozen=True)
class FileType:
    code: str
    label: str  # shown beside the link, the same in every language
    mimetype: str


FILE_TYPES = {
    t.code: t
    for t in (
        FileType("pdf", "PDF", "application/pdf"),
        FileType(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        FileType("odt", "ODT", "application/vnd.oasis.opendocument.text"),
        FileType(
            "xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        FileType("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet"),
        FileType("csv", "CSV", "text/csv; charset=utf-8"),
        FileType("txt", "TXT", "text/plain; charset=utf-8"),
        FileType("png", "PNG", "image/png"),
        FileType("jpeg", "JPEG", "image/jpeg"),
    )
}
EXTENSIONS = {
    "pdf": "pdf", "docx": "docx", "odt": "odt", "xlsx": "xlsx", "ods": "ods",
    "csv": "csv", "txt": "txt", "png": "png", "jpg": "jpeg", "jpeg": "jpeg",
}  # fmt: skip
ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}
# Text files may hold tabs, line ends and form feeds; other control characters mean binary.
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class BadFile(BadRequest):
    """An upload refused: `reason` is one of empty, too_large, unknown_type, content_mismatch."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, field="file")
        self.reason = reason


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the uploader's name for it, cleaned
    file_type: FileType
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def clean_file_name(name: str) -> str:
    """The last path component, without control characters, NFC, at most 200 characters
    (the extension kept). Only ever shown and sent in a header, never used as a path."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > MAX_FILE_NAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        keep = MAX_FILE_NAME_CHARS - len(ext) - 1
        name = f"{stem[:keep]}.{ext}" if dot and 0 < len(ext) <= 8 else name[:MAX_FILE_NAME_CHARS]
    return name


def extension_type(name: str) -> str | None:
    _stem, dot, ext = name.rpartition(".")
    return EXTENSIONS.get(ext.lower()) if dot else None


def _zip_type(data: bytes) -> str | None:
    # ODF puts an uncompressed "mimetype" entry first, so its type sits at a fixed offset.
    if data[30:38] == b"mimetype":
        for mimetype, code in ODF_MIMETYPES.items():
            if data[38 : 38 + len(mimetype)] == mimetype:
                return code
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # reads the directory, inflates nothing
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _is_text(data: bytes) -> bool:
    body = data.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "cp1252"):  # UTF-8, or the Windows encoding of Italian CSVs
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not TEXT_CONTROL.search(text)
    return False


def sniff(data: bytes) -> str | None:
    """What the bytes are: a FILE_TYPES code ("text" for both CSV and TXT), or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _is_text(data):
        return "text"
    return None


def check_upload(name: str, data: bytes, max_bytes: int = MAX_MATERIAL_BYTES) -> CheckedFile:
    """The upload, if its extension is one we keep and its content is what the extension says.
    Raises BadFile."""
    name = clean_file_name(name)
    claimed = extension_type(name)
    if claimed is None:
        raise BadFile("the file is not one of the kept types", "unknown_type")
    if not data:
        raise BadFile("the file is empty", "empty")
    if len(data) > max_bytes:
        raise BadFile(f"the file is larger than {max_bytes} bytes", "too_large")
    found = sniff(data)
    if found != claimed and not (found == "text" and claimed in ("csv", "txt")):
        raise BadFile(f"the file is not a {FILE_TYPES[claimed].label} file", "content_mismatch")
    return CheckedFile(name, FILE_TYPES[claimed], data, hashlib.sha256(data).hexdigest())


class FileStore:
    """The library's files, in one directory of the instance, each under a random name."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, stored_name: str) -> Path:
        """Raises BadRequest for a name we could not have made (never a path outside root)."""
        if not STORED_NAME.match(stored_name or ""):
            raise BadRequest("not a stored file name", field="stored_name")
        return self.root / stored_name

    def save(self, data: bytes) -> str:
        """Write the bytes under a new random name; the file appears whole or not at all."""
        self.root.mkdir(parents=True, exist_ok=True)
        stored_name = secrets.token_urlsafe(32)
        final = self.path(stored_name)
        partial = final.with_name(f".{stored_name}.part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return stored_name

    def delete(self, stored_name: str | None) -> None:
        if stored_name:
            self.path(stored_name).unlink(missing_ok=True)

    def names(self) -> list[str]:
        """Every stored file (for checks that nothing was left behind)."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir())
