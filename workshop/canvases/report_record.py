"""What the social report says beyond the boards: the project record in §2, the DM sections a
project has no data for, outputs against what was planned, where each measurement comes from.

The report follows the headings of the Linee guida of DM 4 luglio 2019 but is a project's report,
not an ETS's bilancio sociale: every section the boards cannot fill says so in words ("da
completare a cura dell'ente", or "non applicabile" with the reason), never an empty heading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from workshop.boards.state import Item
from workshop.glossary import INSTRUMENT_NAMES, counted, long_date, term
from workshop.numbers import format_euros

THIRD_SECTOR_TYPE_NAMES = {
    "it": {
        "odv": "organizzazioni di volontariato",
        "aps": "associazioni di promozione sociale",
        "philanthropic": "enti filantropici",
        "social_enterprise": "imprese sociali",
        "social_cooperative": "cooperative sociali",
        "network": "reti associative",
        "mutual_aid": "società di mutuo soccorso",
        "association": "associazioni",
        "foundation": "fondazioni",
        "religious": "enti religiosi (ramo ETS)",
        "other": "altri enti del Terzo settore",
    },
    "en": {
        "odv": "voluntary organisations",
        "aps": "social promotion associations",
        "philanthropic": "philanthropic bodies",
        "social_enterprise": "social enterprises",
        "social_cooperative": "social cooperatives",
        "network": "networks of associations",
        "mutual_aid": "mutual aid societies",
        "association": "associations",
        "foundation": "foundations",
        "religious": "religious bodies (Third Sector branch)",
        "other": "other Third Sector bodies",
    },
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


WORDS = {
    "it": {
        "kind": "Rendicontazione sociale di progetto ispirata alle Linee guida del DM 4 luglio 2019",
        "period": "Periodo di rendicontazione: dal {start} al {end}.",
        "period_missing": "Periodo di rendicontazione: da indicare.",
        "draft_banner": "BOZZA: non ancora approvata.",
        "changed_since": "BOZZA: modificata dopo l'approvazione, da approvare di nuovo.",
        "approved": "Approvata da {who} il {when}.",
        "notice": "Avviso: {value}.",
        "notice_act": "Atto di approvazione dell'avviso: {value}.",
        "political_act": "Atto di indirizzo politico: {value}.",
        "cup": "CUP: {value}.",
        "proceeding_body": _cap(term("proceeding_body", "it")) + ": {value}.",
        "rup": term("rup", "it") + ": {value}.",
        "coordination": "Coordinamento del tavolo: {value}.",
        "territory": "Ambito territoriale: {value}.",
        "instrument": "Strumento: {value}.",
        "ets_types": "Enti del Terzo settore coinvolti (per tipo): {value}.",
        "ets_names": "Enti del Terzo settore del partenariato: {value}.",
        "purpose": "Finalità: {value}.",
        "object": "Oggetto: {value}.",
        "scheme_general": "Obiettivo generale del progetto dell'amministrazione: {value}.",
        "scheme_specific": "Obiettivi specifici del progetto dell'amministrazione: {value}.",
        "agreement": "Convenzione sottoscritta{parts}.",
        "agreement_date": " il {value}",
        "agreement_number": ", n. {value}",
        "agreement_reference": ", {value}",
        "agreement_duration": ", durata {value}",
        "table_members": "Composizione del tavolo: {value}.",
        "meetings": "Incontri del tavolo: {value}.",
        "attendance": "Organizzazioni presenti agli incontri: {value}.",
        "to_complete": "Da completare a cura dell'ente: {what}.",
        "identity_missing": (
            "l'avviso, l'amministrazione procedente, l'ambito territoriale "
            "e gli enti del Terzo settore del partenariato"
        ),
        "people_missing": (
            "consistenza e composizione delle persone che operano nel progetto (operatori, volontari, ore dedicate); "
            "le lavagne del laboratorio non le registrano"
        ),
        "other_missing": (
            "eventuali contenziosi, aspetti ambientali, parità di genere, rispetto dei diritti umani e prevenzione "
            "della corruzione, per quanto riguarda il progetto"
        ),
        "resources_missing": "le risorse del progetto per provenienza (il piano economico non è ancora compilato)",
        "monitoring_na": (
            "Non applicabile: il monitoraggio dell'organo di controllo (art. 30 del Codice del Terzo settore) "
            "riguarda un ente del Terzo settore, non un progetto di co-progettazione. "
            "La verifica del progetto è riportata nella "
            "sezione 5 (indicatori e rilevazioni) e il coinvolgimento degli stakeholder nella sezione 3."
        ),
        "outputs": "Realizzazioni rispetto a quanto previsto: {value}.",
        "output": "{text}: quantità prevista {planned}, quantità realizzata {done}",
        "output_unplanned": "{text}: quantità prevista non indicata, quantità realizzata {done}",
        "not_measured": "non ancora rilevata",
        "source": "fonte: {value}",
        "evidence": "evidenza: {value}",
        "public_in_kind": "Risorse pubbliche non monetarie, valorizzate: {value}.",
        "public_share": "Contributi pubblici: {value}.",
        "private_share": "Contributi privati (Terzo settore e privati): {value}.",
        "record_budget": (
            "Dalla scheda del progetto: risorse pubbliche {public}, cofinanziamento del Terzo settore {ets}."
        ),
        "strengths": "Punti di forza: {value}.",
        "weaknesses": "Punti di debolezza: {value}.",
        "tags": " (temi: {value})",
    },
    "en": {
        "kind": "Project social report inspired by the Guidelines of DM 4 July 2019",
        "period": "Reporting period: from {start} to {end}.",
        "period_missing": "Reporting period: to be set.",
        "draft_banner": "DRAFT: not approved yet.",
        "changed_since": "DRAFT: changed since it was approved, to be approved again.",
        "approved": "Approved by {who} on {when}.",
        "notice": "Public notice: {value}.",
        "notice_act": "Act approving the notice: {value}.",
        "political_act": "Political act: {value}.",
        "cup": "CUP: {value}.",
        "proceeding_body": _cap(term("proceeding_body", "en")) + ": {value}.",
        "rup": term("rup", "en") + ": {value}.",
        "coordination": "Coordination of the table: {value}.",
        "territory": "Territory: {value}.",
        "instrument": "Instrument: {value}.",
        "ets_types": "Third Sector bodies involved (by type): {value}.",
        "ets_names": "Third Sector bodies in the partnership: {value}.",
        "purpose": "Purpose: {value}.",
        "object": "Object: {value}.",
        "scheme_general": "General objective of the administration's project: {value}.",
        "scheme_specific": "Specific objectives of the administration's project: {value}.",
        "agreement": "Agreement signed{parts}.",
        "agreement_date": " on {value}",
        "agreement_number": ", no. {value}",
        "agreement_reference": ", {value}",
        "agreement_duration": ", lasting {value}",
        "table_members": "Members of the table: {value}.",
        "meetings": "Meetings of the table: {value}.",
        "attendance": "Organisations present at the meetings: {value}.",
        "to_complete": "To be completed by the body: {what}.",
        "identity_missing": (
            "the public notice, the proceeding administration, the territory "
            "and the Third Sector bodies of the partnership"
        ),
        "people_missing": (
            "the people working in the project (staff, volunteers, hours); the lab's boards do not record them"
        ),
        "other_missing": (
            "any disputes, environmental aspects, gender equality, human rights and anti-corruption, "
            "as far as the project goes"
        ),
        "resources_missing": "the project's resources by source (the budget is not filled in yet)",
        "monitoring_na": (
            "Not applicable: the control body's monitoring (art. 30 of the Third Sector Code) concerns a Third Sector "
            "body, not a co-design project. The project's own verification is in section 5 (indicators and "
            "measurements) and stakeholder engagement in section 3."
        ),
        "outputs": "Outputs against what was planned: {value}.",
        "output": "{text}: {planned} planned, {done} delivered",
        "output_unplanned": "{text}: no planned quantity, {done} delivered",
        "not_measured": "not measured yet",
        "source": "source: {value}",
        "evidence": "evidence: {value}",
        "public_in_kind": "Non-monetary public resources, valued: {value}.",
        "public_share": "Public contributions: {value}.",
        "private_share": "Private contributions (Third Sector and private): {value}.",
        "record_budget": "From the project record: public resources {public}, Third Sector co-funding {ets}.",
        "strengths": "Strengths: {value}.",
        "weaknesses": "Weaknesses: {value}.",
        "tags": " (themes: {value})",
    },
}


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split()).rstrip(".")


def to_complete(what_key: str, lang: str) -> str:
    w = WORDS[lang]
    return w["to_complete"].format(what=w[what_key])


def to_complete_section(lang: str) -> str:
    return "Da completare a cura dell'ente." if lang == "it" else "To be completed by the body."


def identity_lines(
    record: Mapping[str, Any], tavolo: Mapping[str, Any], actors: Mapping[str, Item], lang: str
) -> list[str]:
    """§2: who proceeds, under which notice and acts, where, with whom, under which agreement.
    The record comes first; the context board's tavolo fills what the record leaves empty."""
    w = WORDS[lang]
    lines: list[str] = []

    def add(key: str, *values: Any) -> None:
        value = next((_clean(v) for v in values if _clean(v)), "")
        if value:
            lines.append(w[key].format(value=value))

    add("notice", record.get("notice_name"))
    add("notice_act", record.get("notice_act"))
    add("political_act", record.get("political_act"))
    add("cup", record.get("cup"))
    add("proceeding_body", record.get("proposing_body"), tavolo.get("proposing_body"))
    add("rup", record.get("rup"), tavolo.get("person_responsible"))
    add("coordination", record.get("table_coordination"))
    add("territory", record.get("territory"), tavolo.get("territory"))
    instrument = INSTRUMENT_NAMES[lang].get(str(record.get("instrument") or ""))
    if instrument:
        lines.append(w["instrument"].format(value=instrument))
    types = [
        THIRD_SECTOR_TYPE_NAMES[lang].get(t, t) for t in record.get("third_sector_types") or []
    ]
    if types:
        lines.append(w["ets_types"].format(value=", ".join(types)))
    ets = [
        _clean(a.fields.get("name"))
        for a in actors.values()
        if a.fields.get("macro_type") == "third_sector"
    ]
    if ets:
        lines.append(w["ets_names"].format(value=", ".join(ets)))
    add("purpose", record.get("motivation"), tavolo.get("purpose"))
    add("object", record.get("requested_activities"), tavolo.get("object"))
    add("scheme_general", record.get("scheme_general_objective"))
    add("scheme_specific", record.get("scheme_specific_objectives"))
    parts = ""
    if record.get("agreement_date"):
        parts += w["agreement_date"].format(value=long_date(record["agreement_date"], lang))
    if _clean(record.get("agreement_number")):
        number = _clean(record["agreement_number"])
        # "n. 112/2026", but "Rep. n. 112/2026" as typed, never "n. Rep. n. 112/2026".
        parts += w["agreement_number" if number[:1].isdigit() else "agreement_reference"].format(
            value=number
        )
    if _clean(record.get("agreement_duration")):
        parts += w["agreement_duration"].format(value=_clean(record["agreement_duration"]))
    if parts:
        lines.append(w["agreement"].format(parts=parts))
    for key, tags in (("strengths", "strength_tags"), ("weaknesses", "weakness_tags")):
        text = _clean(record.get(key))
        if text:
            tagged = w["tags"].format(value=", ".join(record[tags])) if record.get(tags) else ""
            lines.append(w[key].format(value=text + tagged))
    if not lines:
        lines.append(to_complete("identity_missing", lang))
    return lines


def table_members(actors: Mapping[str, Item], partner_ids: Iterable[str], lang: str) -> list[str]:
    """The table's composition from the registry: the proposal's partners and every actor the
    lab engaged at collaborate or empower (those who sit at the table), each with its type."""
    partners = set(partner_ids)
    names = []
    for actor in sorted(actors.values(), key=lambda it: (it.created_seq, it.id)):
        at_table = actor.id in partners or actor.fields.get("engagement") in (
            "collaborate",
            "empower",
        )
        name = _clean(actor.fields.get("name"))
        if at_table and name:
            names.append(name)
    return names


def meeting_lines(record: Mapping[str, Any], lang: str) -> list[str]:
    """The table's meetings (from the labs) and the organisations that signed in at them."""
    w = WORDS[lang]
    lines = []
    meetings = record.get("table_meetings") or []
    if meetings:
        listed = "; ".join(f"{long_date(day, lang)} ({_clean(title)})" for day, title in meetings)
        lines.append(
            w["meetings"].format(value=f"{counted(len(meetings), 'meeting', lang)}: {listed}")
        )
    organisations = record.get("table_organisations") or []
    if organisations:
        lines.append(w["attendance"].format(value=", ".join(organisations)))
    return lines


def output_lines(
    outputs: Iterable[Item], indicators: Iterable[Item], latest: Mapping[str, float], lang: str
) -> list[str]:
    """Each output (realizzazione) with its planned quantity and what was delivered: the latest
    measurement of an indicator attached to it."""
    w = WORDS[lang]
    delivered_by_output: dict[str, float] = {}
    for indicator in indicators:
        target = indicator.fields.get("of")
        if target and indicator.id in latest:
            delivered_by_output[target] = latest[indicator.id]
    described = []
    for output in outputs:
        unit = _clean(output.fields.get("unit"))
        text = _clean(output.fields.get("text"))
        done = delivered_by_output.get(output.id)
        done_words = _quantity(done, unit) if done is not None else w["not_measured"]
        planned = output.fields.get("planned_quantity")
        if planned is None:
            described.append(w["output_unplanned"].format(text=text, done=done_words))
        else:
            described.append(
                w["output"].format(text=text, planned=_quantity(planned, unit), done=done_words)
            )
    return [w["outputs"].format(value="; ".join(described))] if described else []


def _quantity(value: float, unit: str) -> str:
    number = (
        str(int(value))
        if float(value).is_integer()
        else f"{value:.2f}".rstrip("0").replace(".", ",")
    )
    return f"{number} {unit}".strip()


def measurement_provenance(measurement: Item | None, lang: str) -> str:
    """ "fonte: ...; evidenza: ..." of a measurement, empty when it names neither."""
    if measurement is None:
        return ""
    w = WORDS[lang]
    parts = []
    if _clean(measurement.fields.get("source")):
        parts.append(w["source"].format(value=_clean(measurement.fields["source"])))
    if str(measurement.fields.get("evidence") or "").strip():
        parts.append(w["evidence"].format(value=str(measurement.fields["evidence"]).strip()))
    return "; ".join(parts)


def record_budget_line(record: Mapping[str, Any], lang: str) -> list[str]:
    """The record's own figures, shown beside the budget so a difference is never silent."""
    public, ets = record.get("public_resources_eur"), record.get("third_sector_cofunding_eur")
    lines = []
    if public is not None or ets is not None:
        lines.append(
            WORDS[lang]["record_budget"].format(
                public=format_euros(float(public or Decimal(0)), lang),
                ets=format_euros(float(ets or Decimal(0)), lang),
            )
        )
    if record.get("public_in_kind_eur") is not None:
        lines.append(
            WORDS[lang]["public_in_kind"].format(
                value=format_euros(float(record["public_in_kind_eur"]), lang)
            )
        )
    return lines


LEDGER_WORDS = {
    "it": {
        "public": "Contributi pubblici: {total} (in denaro {money}; in natura, valorizzati, {in_kind}).",
        "private": (
            "Contributi privati: {total}, di cui enti del Terzo settore {ets} e altri privati {other} "
            "(in natura, valorizzati, {in_kind})."
        ),
        "total": "Totale previsto: {value}.",
        "reported": "Totale rendicontato: {value}.",
        "partners": "Cofinanziamento per partner: {value}.",
        "categories": "Per categoria di costo: {value}.",
        "record_differs": (
            "La scheda del progetto riporta {field} {record}: il registro del cofinanziamento ne conta {ledger}."
        ),
        "public_field": "risorse pubbliche",
        "ets_field": "cofinanziamento del Terzo settore",
        "in_kind_field": "risorse pubbliche non monetarie valorizzate",
        "source": {"public": "pubblico", "third_sector": "Terzo settore", "private": "privato"},
        "category": {
            "personnel": "personale",
            "overheads": "spese generali",
            "goods_services": "beni e servizi",
            "facilities": "strutture",
            "other": "altro",
        },
    },
    "en": {
        "public": "Public contributions: {total} (money {money}; in kind, valued, {in_kind}).",
        "private": (
            "Private contributions: {total}, of which Third Sector bodies {ets} and other private {other} "
            "(in kind, valued, {in_kind})."
        ),
        "total": "Planned total: {value}.",
        "reported": "Reported total: {value}.",
        "partners": "Co-funding by partner: {value}.",
        "categories": "By cost category: {value}.",
        "record_differs": "The project record gives {field} as {record}: the co-funding ledger counts {ledger}.",
        "public_field": "public resources",
        "ets_field": "Third Sector co-funding",
        "in_kind_field": "valued non-monetary public resources",
        "source": {"public": "public", "third_sector": "Third Sector", "private": "private"},
        "category": {
            "personnel": "staff",
            "overheads": "overheads",
            "goods_services": "goods and services",
            "facilities": "premises",
            "other": "other",
        },
    },
}


def ledger_resource_lines(record: Mapping[str, Any], lang: str) -> list[str]:
    """§6 from the co-funding ledger: public and private contributions apart (DM 4/7/2019),
    the co-funding of each partner with its share, the cost categories; and the record's own
    figures where they differ from the ledger's, never silently. Empty: no ledger lines."""
    figures = record.get("ledger") or {}
    if not figures.get("count"):
        return []
    w = LEDGER_WORDS[lang]
    by_source = figures["by_source"]
    public, ets, other = by_source["public"], by_source["third_sector"], by_source["private"]
    lines = [
        w["public"].format(
            total=format_euros(public["planned"], lang),
            money=format_euros(public["monetary"], lang),
            in_kind=format_euros(public["in_kind"], lang),
        ),
        w["private"].format(
            total=format_euros(ets["planned"] + other["planned"], lang),
            ets=format_euros(ets["planned"], lang),
            other=format_euros(other["planned"], lang),
            in_kind=format_euros(ets["in_kind"] + other["in_kind"], lang),
        ),
        w["total"].format(value=format_euros(sum(t["planned"] for t in by_source.values()), lang)),
    ]
    if figures.get("reported"):
        lines.append(
            w["reported"].format(
                value=format_euros(sum(t["reported"] for t in by_source.values()), lang)
            )
        )
    partners = [
        f"{name} ({w['source'][cls]}) {format_euros(planned, lang)}, {_percent(share, lang)}"
        for name, cls, planned, _in_kind, share in figures["by_partner"]
    ]
    if partners:
        lines.append(w["partners"].format(value="; ".join(partners)))
    categories = [
        f"{w['category'].get(key, key)} {format_euros(amount, lang)}"
        for key, amount in figures["by_category"].items()
    ]
    if categories:
        lines.append(w["categories"].format(value="; ".join(categories)))
    compared = (
        ("public_resources_eur", "public", "planned", "public_field"),
        ("third_sector_cofunding_eur", "third_sector", "planned", "ets_field"),
        ("public_in_kind_eur", "public", "in_kind", "in_kind_field"),
    )
    for field, source, figure, label in compared:
        typed = record.get(field)
        if typed is not None and abs(float(typed) - by_source[source][figure]) >= 0.005:
            lines.append(
                w["record_differs"].format(
                    field=w[label],
                    record=format_euros(float(typed), lang),
                    ledger=format_euros(by_source[source][figure], lang),
                )
            )
    return lines


def _percent(share: float, lang: str) -> str:
    text = f"{share * 100:.1f}"
    return (text.replace(".", ",") + " %") if lang == "it" else f"{text}%"


def heading_state(
    period_from: Any, period_to: Any, approved_by: str, approved_at: Any, lang: str
) -> dict[str, str]:
    """The words at the top of every form of the report: what it is, its period, its state."""
    w = WORDS[lang]
    if period_from and period_to:
        period = w["period"].format(
            start=long_date(period_from, lang), end=long_date(period_to, lang)
        )
    else:
        period = w["period_missing"]
    state = (
        w["approved"].format(who=approved_by or "—", when=long_date(approved_at, lang))
        if approved_at
        else w["draft_banner"]
    )
    return {"kind": w["kind"], "period": period, "state": state, "draft": term("draft", lang)}


__all__ = ["WORDS", "counted", "heading_state", "identity_lines", "output_lines", "to_complete"]
