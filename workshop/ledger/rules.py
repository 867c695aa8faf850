"""The ledger's pure rules: codes, the source class of a partner, matching an old budget line.

No database and no Flask here, so the Alembic migration that moves old budget lines into the
ledger (0010_ledger) uses the very same rules as the application.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

# Cost categories (codes stored; labels below and in the web catalogues).
CATEGORIES = ("personnel", "overheads", "goods_services", "facilities", "other")
CATEGORY_LABELS = {
    "it": {
        "personnel": "Personale",
        "overheads": "Spese generali",
        "goods_services": "Beni e servizi",
        "facilities": "Strutture",
        "other": "Altro",
    },
    "en": {
        "personnel": "Staff",
        "overheads": "Overheads",
        "goods_services": "Goods and services",
        "facilities": "Premises and facilities",
        "other": "Other",
    },
}
MONETARY, IN_KIND = "monetary", "in_kind"
SOURCE_CLASSES = ("public", "third_sector", "private")
SOURCE_LABELS = {
    "it": {"public": "Pubblico", "third_sector": "Terzo settore", "private": "Privato"},
    "en": {"public": "Public", "third_sector": "Third Sector", "private": "Private"},
}
# The largest amount a line may hold: the column is Numeric(14, 2).
MAX_LINE_EUR = Decimal("999999999999.99")


def source_class(macro_type: str | None, sub_type: str | None = None) -> str:
    """Public, Third Sector or private, from the registry's actor typology (domain.md §0).

    Every art. 4 CTS sub-type, a foundation or an ente filantropico included, sits under the
    "third_sector" macro type, so a foundation registered as ETS is Third Sector; a corporate
    foundation, a bank, a company, the non-ETS bodies of art. 4 c. 2 (parties, unions,
    professional and employers' associations), civil society and target groups are private
    resources: not public money and not Third Sector co-funding. The sub-type does not move a
    line across classes today; it is an argument so that a finer rule stays in one place.
    """
    if macro_type == "public":
        return "public"
    if macro_type == "third_sector":
        return "third_sector"
    return "private"


def match_partner(
    budget_source: str,
    actors: Mapping[str, Mapping[str, Any]],
    proposal_partner_ids: Iterable[str] = (),
) -> str | None:
    """The actor an old budget line (which names no partner) belongs to, when only one can.

    Candidates are the proposal's partners (every actor when the proposal names none) whose
    source class is the line's source. Exactly one candidate: it is the partner; none or several:
    None, and the line is shown beside the ledger until someone assigns it.
    """
    partner_ids = [p for p in proposal_partner_ids if p in actors] or list(actors)
    candidates = [
        actor_id
        for actor_id in partner_ids
        if source_class(actors[actor_id].get("macro_type"), actors[actor_id].get("sub_type"))
        == budget_source
    ]
    return candidates[0] if len(candidates) == 1 else None
