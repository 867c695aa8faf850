"""The library's uploads: types checked by content, names cleaned, files stored whole."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest

from workshop.boards.errors import BadRequest
from workshop.library import catalogue, files


def zipped(names: dict[str, bytes], first: tuple[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])  # stored, uncompressed, first
        for name, data in names.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


SAMPLES = {
    "regolamento.pdf": b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n",
    "schema.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
    "foto.jpg": b"\xff\xd8\xff\xe0" + b"\x00" * 32,
    "foto.jpeg": b"\xff\xd8\xff\xdb" + b"\x00" * 32,
    "avviso.docx": zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}),
    "budget.xlsx": zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"}),
    "convenzione.odt": zipped(
        {"content.xml": b"<x/>"}, ("mimetype", b"application/vnd.oasis.opendocument.text")
    ),
    "piano.ods": zipped(
        {"content.xml": b"<x/>"}, ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
    ),
    "enti.csv": b"nome;tipo\nCooperativa Il Faro;cooperativa sociale\n",
    "enti-windows.csv": "nome;città\nBorgo Sereno;sì\n".encode("cp1252"),
    "nota.txt": "\ufeffArt. 55: co-programmazione e co-progettazione.\n".encode(),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_kept_type_is_recognised_by_its_content(name):
    checked = files.check_upload(name, SAMPLES[name])
    assert checked.file_type.code == files.extension_type(name)
    assert checked.data == SAMPLES[name]


MISMATCHES = [
    ("finto.pdf", b"<html><script>alert(1)</script></html>"),  # a page that claims to be a PDF
    ("finto.pdf", SAMPLES["schema.png"]),
    ("finto.png", SAMPLES["regolamento.pdf"]),
    ("finto.docx", SAMPLES["budget.xlsx"]),
    ("finto.docx", zipped({"qualcosa.txt": b"x"})),
    ("finto.odt", SAMPLES["piano.ods"]),
    ("finto.xlsx", b"PK\x03\x04 not really a zip"),
    ("binario.txt", b"\x00\x01\x02\x03ELF"),
    ("binario.csv", SAMPLES["foto.jpg"]),
]


@pytest.mark.parametrize(("name", "data"), MISMATCHES)
def test_content_that_is_not_what_the_extension_says_is_refused(name, data):
    with pytest.raises(files.BadFile) as error:
        files.check_upload(name, data)
    assert error.value.reason == "content_mismatch"


@pytest.mark.parametrize(
    "name", ["script.exe", "pagina.html", "disegno.svg", "senza-estensione", "archivio.zip"]
)
def test_types_we_do_not_keep_are_refused(name):
    with pytest.raises(files.BadFile) as error:
        files.check_upload(name, b"%PDF-1.7 whatever")
    assert error.value.reason == "unknown_type"


def test_empty_and_oversize_files_are_refused():
    with pytest.raises(files.BadFile) as error:
        files.check_upload("vuoto.txt", b"")
    assert error.value.reason == "empty"
    with pytest.raises(files.BadFile) as error:
        files.check_upload("grande.pdf", b"%PDF-" + b"x" * 100, max_bytes=100)
    assert error.value.reason == "too_large"
    assert files.check_upload("giusto.pdf", b"%PDF-" + b"x" * 95, max_bytes=100).size == 100


@pytest.mark.parametrize(
    ("given", "cleaned"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Documenti\\Delibera n. 12.pdf", "Delibera n. 12.pdf"),
        ("città\u0000\u202e.pdf", "città.pdf"),
        ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
    ],
)
def test_file_names_are_cleaned(given, cleaned):
    assert files.clean_file_name(given) == cleaned


def test_the_store_keeps_bytes_under_random_names_and_refuses_foreign_names(tmp_path):
    store = files.FileStore(tmp_path / "library")
    first, second = store.save(b"uno"), store.save(b"uno")
    assert first != second and len(first) == 43
    assert store.path(first).read_bytes() == b"uno"
    assert store.names() == sorted([first, second])  # no partial file left behind
    for bad in ("../secret_key", "", "a/b", "x" * 43 + "/"):
        with pytest.raises(BadRequest):
            store.path(bad)
    store.delete(first)
    assert store.names() == [second]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("2017", (2017, None)),
        ("2017-07-03", (2017, date(2017, 7, 3))),
        ("3/7/2017", (2017, date(2017, 7, 3))),
    ],
)
def test_years_and_dates_are_read(text, expected):
    assert catalogue.parse_issued(text, date(2026, 1, 1)) == expected


@pytest.mark.parametrize("text", ["ieri", "2017-13-01", "31/2/2020", "1700", "2099", "20170"])
def test_bad_years_and_dates_are_refused(text):
    with pytest.raises(BadRequest):
        catalogue.parse_issued(text, date(2026, 1, 1))


def test_tags_are_normalised_and_limited():
    assert catalogue.parse_tags(" Art. 55,  co-progettazione; ART. 55\nETS ") == (
        "art. 55",
        "co-progettazione",
        "ets",
    )
    with pytest.raises(BadRequest):
        catalogue.parse_tags("x" * 41)
    with pytest.raises(BadRequest):
        catalogue.parse_tags(",".join(f"t{n}" for n in range(13)))


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "ftp://example.org/x", "https://", "https://exa mple.org", "/locale"],
)
def test_only_web_addresses_are_links(url):
    with pytest.raises(BadRequest):
        catalogue.check_url(url)
