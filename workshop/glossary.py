"""One vocabulary for the domain: the terms pages, exports and reports use, in both languages.

Italian first, the way the law and the field name them (DM 72/2021 "amministrazione procedente";
Mitchell's "dormant" stakeholder is "dormiente"). tests/unit/test_glossary.py checks that the
Italian catalogue and the generated documents use each term one way, never its rejected variants.

Also here: dates in prose ("31 dicembre 2027", never the ISO form) and counted nouns ("1
indicatore", "7 indicatori"), so every generator writes them the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Term:
    it: str
    en: str
    avoid_it: tuple[str, ...] = ()  # variants seen in the product that must not come back

    def __call__(self, lang: str) -> str:
        return self.it if lang == "it" else self.en


TERMS: dict[str, Term] = {
    "proceeding_body": Term(
        "amministrazione procedente",
        "proceeding administration",
        ("Ente proponente", "Ente procedente"),
    ),
    "rup": Term("Responsabile del procedimento", "Head of the procedure (RUP)"),
    "table_coordination": Term("Coordinamento del tavolo", "Coordination of the table"),
    "cofunding": Term("Cofinanziamento", "Co-funding", ("Co-finanziamento",)),
    "stakeholder_map": Term(
        "Mappa degli stakeholder",
        "Stakeholder map",
        ("Mappatura degli attori", "Mappa degli attori"),
    ),
    "dormant": Term("Dormiente", "Dormant", ("Latente",)),
    "notice": Term("avviso", "public notice"),
    "territory": Term("ambito territoriale", "territory"),
    "third_sector_bodies": Term("enti del Terzo settore", "Third Sector bodies"),
    "co_design_table": Term("tavolo di co-progettazione", "co-design table"),
    "output": Term("realizzazione", "output"),
    "outputs": Term("realizzazioni", "outputs"),
    "social_report": Term("rendicontazione sociale", "social report"),
    "draft": Term("BOZZA", "DRAFT"),
    "to_complete": Term("da completare a cura dell'ente", "to be completed by the body"),
    "not_applicable": Term("non applicabile", "not applicable"),
}

INSTRUMENT_NAMES = {
    "it": {
        "co_programming": "co-programmazione (art. 55 CTS)",
        "co_design": "co-progettazione (art. 55 CTS)",
        "co_programming_and_design": "co-programmazione e co-progettazione (art. 55 CTS)",
        "agreement_art56": "convenzione (art. 56 CTS)",
    },
    "en": {
        "co_programming": "co-programming (art. 55 CTS)",
        "co_design": "co-design (art. 55 CTS)",
        "co_programming_and_design": "co-programming and co-design (art. 55 CTS)",
        "agreement_art56": "agreement (art. 56 CTS)",
    },
}

MONTHS = {
    "it": (
        "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
        "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip

# Counted nouns: (singular, plural) per language.
NOUNS = {
    "it": {
        "indicator": ("indicatore", "indicatori"),
        "outcome": ("esito", "esiti"),
        "problem": ("problema", "problemi"),
        "actor": ("soggetto", "soggetti"),
        "measurement": ("rilevazione", "rilevazioni"),
        "meeting": ("incontro", "incontri"),
        "problem_analysed": ("problema analizzato", "problemi analizzati"),
        "actor_mapped": ("soggetto mappato", "soggetti mappati"),
        # Communication actions (azioni, feminine): "1 svolta su 1 prevista".
        "action_done": ("svolta", "svolte"),
        "action_planned": ("prevista", "previste"),
    },
    "en": {
        "indicator": ("indicator", "indicators"),
        "outcome": ("outcome", "outcomes"),
        "problem": ("problem", "problems"),
        "actor": ("party", "parties"),
        "measurement": ("measurement", "measurements"),
        "meeting": ("meeting", "meetings"),
        "problem_analysed": ("problem analysed", "problems analysed"),
        "actor_mapped": ("party mapped", "parties mapped"),
        "action_done": ("done", "done"),
        "action_planned": ("planned", "planned"),
    },
}


def term(key: str, lang: str) -> str:
    return TERMS[key](lang)


def counted(n: int, noun: str, lang: str) -> str:
    """ "1 indicatore", "7 indicatori"."""
    singular, plural = NOUNS[lang][noun]
    return f"{n} {singular if n == 1 else plural}"


YES_NO = {"it": ("Sì", "No"), "en": ("Yes", "No")}


def yes_no(value: object, lang: str) -> str:
    """A flag as a person writes it in a document or a spreadsheet, never True/False."""
    yes, no = YES_NO[lang]
    return yes if value else no


def as_date(value: object) -> date | None:
    """A date from a date or an ISO string ("2027-12-31"); None when it is neither."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def long_date(value: object, lang: str) -> str:
    """ "31 dicembre 2027" / "31 December 2027"; the value as given when it is not a date."""
    day = as_date(value)
    if day is None:
        return str(value or "")
    return f"{day.day} {MONTHS[lang][day.month - 1]} {day.year}"
