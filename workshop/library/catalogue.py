"""The catalogue of materials: their records, tags, attachments to projects and labs, search.

A material's file is written before its row and removed when the row is; a failure between
the two leaves at worst an orphan file under a random name, never a row without its file.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.boards.errors import BadRequest
from workshop.library.files import CheckedFile, FileStore
from workshop.models import (
    Lab,
    Material,
    MaterialKind,
    MaterialLab,
    MaterialProject,
    MaterialTag,
    Project,
    utcnow,
)
from workshop.models.library import MAX_TAG_CHARS, MAX_URL_CHARS

MAX_TAGS = 12
MIN_YEAR = 1800  # the Italian legal texts a lab cites start with the unified kingdom's codes
MAX_YEARS_AHEAD = 5  # a call or a plan may be dated a few years on
MAX_QUERY_CHARS = 200
MAX_LISTED = 500  # materials on one page of the library
LANGUAGES = ("it", "en", "fr", "de", "es", "other")
YEAR = re.compile(r"^\d{4}$")
ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class MaterialFields:
    """What a person writes about a material (the file, if any, travels apart)."""

    title: str
    kind: MaterialKind
    description: str = ""
    issuer: str = ""
    issued_year: int | None = None
    issued_on: date | None = None
    language: str = "it"
    tags: tuple[str, ...] = ()
    url: str | None = None


def parse_tags(text: str) -> tuple[str, ...]:
    """ "Art. 55, co-progettazione;  ETS" -> ("art. 55", "co-progettazione", "ets"): lower case,
    one space, no duplicates, in the order written. Raises BadRequest."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]", text or ""):
        tag = " ".join(raw.split()).casefold()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise BadRequest(f"a tag is longer than {MAX_TAG_CHARS} characters", field="tags")
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise BadRequest(f"at most {MAX_TAGS} tags", field="tags")
    return tuple(tags)


def parse_issued(text: str, today: date) -> tuple[int | None, date | None]:
    """ "2017", "2017-07-03" or "3/7/2017" -> (year, date or None); "" -> (None, None).
    Raises BadRequest."""
    text = (text or "").strip()
    if not text:
        return None, None
    when: date | None = None
    try:
        if YEAR.match(text):
            year = int(text)
        elif match := ITALIAN_DATE.match(text):
            when = date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            year = when.year
        else:
            when = date.fromisoformat(text)
            year = when.year
    except ValueError:
        raise BadRequest(
            "write a year (2017) or a date (2017-07-03 or 3/7/2017)", field="issued"
        ) from None
    if not MIN_YEAR <= year <= today.year + MAX_YEARS_AHEAD:
        raise BadRequest(
            f"the year must lie between {MIN_YEAR} and {today.year + MAX_YEARS_AHEAD}",
            field="issued",
        )
    return year, when


def check_url(url: str) -> str:
    """An external link: http or https, with a host. Raises BadRequest."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL_CHARS or parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("write a web address starting with https:// or http://", field="url")
    if any(ch.isspace() or ord(ch) < 0x20 for ch in url):
        raise BadRequest("a web address has no spaces", field="url")
    return url


def _validate(fields: MaterialFields) -> None:
    if not fields.title.strip():
        raise BadRequest("a title is required", field="title")
    if fields.language not in LANGUAGES:
        raise BadRequest("unknown language", field="language")
    if fields.url is not None:
        check_url(fields.url)


def _apply(material: Material, fields: MaterialFields) -> None:
    material.title = fields.title.strip()
    material.kind = fields.kind
    material.description = fields.description.strip()
    material.issuer = fields.issuer.strip()
    material.issued_year = fields.issued_year
    material.issued_on = fields.issued_on
    material.language = fields.language
    material.tags = [MaterialTag(tag=t) for t in fields.tags]


def add_material(
    session: Session,
    store: FileStore,
    fields: MaterialFields,
    file: CheckedFile | None,
    created_by_id: int | None,
) -> Material:
    """A new material with exactly one source: the checked file, or fields.url. Raises BadRequest."""
    _validate(fields)
    if (file is None) == (fields.url is None):
        raise BadRequest("give either a file or a web address", field="source")
    material = Material(created_by_id=created_by_id)
    _apply(material, fields)
    if file is not None:
        _put_file(material, store, file)
    else:
        material.url = fields.url
    session.add(material)
    try:
        session.flush()
    except Exception:
        store.delete(material.stored_name)
        raise
    return material


def _put_file(material: Material, store: FileStore, file: CheckedFile) -> None:
    material.stored_name = store.save(file.data)
    material.file_name = file.name
    material.file_type = file.file_type.code
    material.size_bytes = file.size
    material.sha256 = file.sha256
    material.url = None


def update_material(
    session: Session,
    store: FileStore,
    material: Material,
    fields: MaterialFields,
    file: CheckedFile | None,
) -> list[str]:
    """Change the record; a new file or a link replaces the source. Returns the stored names
    that the caller deletes from the store once the change is committed. Raises BadRequest."""
    _validate(fields)
    old = material.stored_name
    _apply(material, fields)
    if file is not None:
        _put_file(material, store, file)
    elif fields.url is not None:
        material.url = fields.url
        material.stored_name = material.file_name = material.file_type = None
        material.size_bytes = None
        material.sha256 = None
    material.updated_at = utcnow()
    try:
        session.flush()
    except Exception:
        if material.stored_name != old:
            store.delete(material.stored_name)
        raise
    return [old] if old and old != material.stored_name else []


def delete_material(session: Session, material: Material) -> list[str]:
    """Remove the material and its attachments; returns the stored names to delete after commit."""
    stored = [material.stored_name] if material.stored_name else []
    session.delete(material)
    session.flush()
    return stored


# --- finding materials ------------------------------------------------------------------------


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def normalise_query(text: str | None) -> str:
    return " ".join(str(text or "").split())[:MAX_QUERY_CHARS]


def find_materials(
    session: Session,
    text: str = "",
    kind: MaterialKind | None = None,
    tag: str | None = None,
    limit: int = MAX_LISTED,
) -> list[Material]:
    """Materials whose title, description, issuer, file name or a tag hold every word of
    `text`, of one kind and with one tag when given; the newest first."""
    query = sa.select(Material)
    if kind is not None:
        query = query.where(Material.kind == kind)
    if tag:
        query = query.where(
            Material.id.in_(
                sa.select(MaterialTag.material_id).where(
                    MaterialTag.tag == " ".join(tag.split()).casefold()
                )
            )
        )
    for word in normalise_query(text).split():
        pattern = _like(word.casefold())
        query = query.where(
            sa.or_(
                sa.func.lower(Material.title).like(pattern, escape="\\"),
                sa.func.lower(Material.description).like(pattern, escape="\\"),
                sa.func.lower(Material.issuer).like(pattern, escape="\\"),
                sa.func.lower(sa.func.coalesce(Material.file_name, "")).like(pattern, escape="\\"),
                Material.id.in_(
                    sa.select(MaterialTag.material_id).where(
                        MaterialTag.tag.like(pattern, escape="\\")
                    )
                ),
            )
        )
    query = query.order_by(Material.issued_year.desc().nulls_last(), Material.id.desc()).limit(
        limit
    )
    return list(session.scalars(query))


def all_tags(session: Session) -> list[tuple[str, int]]:
    """Every tag in use with how many materials carry it, the most used first."""
    rows = session.execute(
        sa.select(MaterialTag.tag, sa.func.count())
        .group_by(MaterialTag.tag)
        .order_by(sa.func.count().desc(), MaterialTag.tag)
    )
    return [(tag, n) for tag, n in rows]


# --- attachments to projects and labs ---------------------------------------------------------


def _attach(
    session: Session, link: type, target: type, material: Material, field: str, target_id: int
) -> bool:
    """One attachment row (material, target); False when it already was. A missing target is bad input."""
    if session.get(target, target_id) is None:
        raise BadRequest(f"no such {field.removesuffix('_id')}", field=field)
    if session.get(link, (material.id, target_id)) is not None:
        return False
    session.add(link(material_id=material.id, attached_at=utcnow(), **{field: target_id}))
    session.flush()
    return True


def _detach(session: Session, link: type, material: Material, target_id: int) -> bool:
    row = session.get(link, (material.id, target_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def attach_to_project(session: Session, material: Material, project_id: int) -> bool:
    """Attach; False when it already was. Raises BadRequest for a project that does not exist."""
    return _attach(session, MaterialProject, Project, material, "project_id", project_id)


def detach_from_project(session: Session, material: Material, project_id: int) -> bool:
    return _detach(session, MaterialProject, material, project_id)


def attach_to_lab(session: Session, material: Material, lab_id: int) -> bool:
    return _attach(session, MaterialLab, Lab, material, "lab_id", lab_id)


def detach_from_lab(session: Session, material: Material, lab_id: int) -> bool:
    return _detach(session, MaterialLab, material, lab_id)


def materials_of_project(session: Session, project_id: int) -> list[Material]:
    return list(
        session.scalars(
            sa.select(Material)
            .join(MaterialProject, MaterialProject.material_id == Material.id)
            .where(MaterialProject.project_id == project_id)
            .order_by(Material.kind, Material.title)
        )
    )


def materials_of_lab(session: Session, lab_id: int) -> list[Material]:
    return list(
        session.scalars(
            sa.select(Material)
            .join(MaterialLab, MaterialLab.material_id == Material.id)
            .where(MaterialLab.lab_id == lab_id)
            .order_by(Material.kind, Material.title)
        )
    )


def projects_of(
    session: Session, material_id: int, among: Iterable[int] | None = None
) -> list[Project]:
    """The projects the material is attached to (only those in `among`, when given)."""
    query = (
        sa.select(Project)
        .join(MaterialProject, MaterialProject.project_id == Project.id)
        .where(MaterialProject.material_id == material_id)
        .order_by(Project.title)
    )
    if among is not None:
        query = query.where(Project.id.in_(list(among)))
    return list(session.scalars(query))


def labs_of(session: Session, material_id: int) -> list[Lab]:
    return list(
        session.scalars(
            sa.select(Lab)
            .join(MaterialLab, MaterialLab.lab_id == Lab.id)
            .where(MaterialLab.material_id == material_id)
            .order_by(Lab.title)
        )
    )
