"""The social report's fixed words (session 4): its section titles by the DM 4 luglio 2019
headings, and the words its draft is written with, in Italian and English.

Split from `report_draft.py`, which writes the draft with them.
"""

from __future__ import annotations

from workshop.canvases import report_record as rr
from workshop.glossary import term

SECTION_TITLES = {
    "it": {
        "methodology": "1. Nota metodologica",
        "identity": "2. Identità del progetto e del partenariato",
        "governance": "3. Governance del tavolo e mappa degli stakeholder",
        "people": "4. Persone",
        "objectives_activities": "5. Obiettivi e attività",
        "resources": "6. Risorse",
        "other_information": "7. Altre informazioni",
        "monitoring": "8. Monitoraggio svolto dall'organo di controllo",
    },
    "en": {
        "methodology": "1. Methodology",
        "identity": "2. Identity of the project and the partnership",
        "governance": "3. Governance of the table and stakeholder map",
        "people": "4. People",
        "objectives_activities": "5. Objectives and activities",
        "resources": "6. Resources",
        "other_information": "7. Other information",
        "monitoring": "8. Monitoring by the control body",
    },
}

# Generated content in the report's language (like the ToC narrative): kept with the method.
WORDS = {
    "it": {
        "disclaimer": (
            "Questo documento è una rendicontazione sociale di progetto, costruita sulla struttura delle Linee guida "
            "per il bilancio sociale degli enti del Terzo settore (DM 4 luglio 2019): non è il bilancio sociale di "
            "un ente ai sensi dell'art. 14 del Codice del Terzo settore."
        ),
        "path": (
            "Il percorso di co-progettazione si è svolto in quattro sessioni di laboratorio: analisi del contesto e "
            "dei problemi, mappatura degli stakeholder, teoria del cambiamento, rendicontazione sociale."
        ),
        "standards": (
            "Riferimenti: DM 4 luglio 2019 (bilancio sociale), "
            "DM 23 luglio 2019 (valutazione d'impatto sociale), teoria del cambiamento."
        ),
        "counts": "Sulle lavagne del progetto: {problems}, {actors}, {outcomes} e {indicators}.",
        "table": "Tavolo: {value}.",
        "proposing_body": rr._cap(term("proceeding_body", "it")) + ": {value}.",
        "responsible": "Responsabile del procedimento: {value}.",
        "purpose": "Finalità: {value}.",
        "object": "Oggetto: {value}.",
        "territory": "Territorio: {value}.",
        "duration": "Durata del partenariato: {value}.",
        "proposal": "Proposta progettuale: {value}.",
        "need": "Bisogno affrontato: {value}.",
        "partners": "Partner: {value}.",
        "rules": "Regole di funzionamento del tavolo: {value}.",
        "calendar": "Calendario: {value}.",
        "by_type": "Soggetti coinvolti per tipo: {value}.",
        "by_quadrant": "Strategie di coinvolgimento (matrice potere/interesse): {value}.",
        "by_level": "Livelli di coinvolgimento (IAP2): {value}.",
        "definitive": "Stakeholder definitivi (potere, legittimità e urgenza): {value}.",
        "people_none": "Il progetto non ha ancora registrato le persone che vi operano.",
        "resources_offered": "{actor} mette a disposizione: {value}.",
        "core": "Problema affrontato: {value}.",
        "goal": "Obiettivo di lungo periodo: {value}.",
        "activities": "Attività: {value}.",
        "indicator": "{name}: ultimo valore {latest}{unit} al {date}; obiettivo {target}; {status}.",
        "indicator_no_data": "{name}: nessuna rilevazione ancora.",
        "stories": "Testimonianze",
        "story": "«{text}» ({teller})",
        "anonymous": "una persona",
        "budget": "Risorse per provenienza: {value}.",
        "budget_total": "Totale: {value}.",
        "in_kind": "di cui in natura: {value}.",
        "no_budget": "Il piano economico non è ancora stato compilato.",
        "confirmed": "Ipotesi confermate: {value}.",
        "refuted": "Ipotesi smentite: {value}.",
        "to_check": "Ipotesi ancora da verificare: {value}.",
        "risks": "Rischi individuati: {value}.",
        "communication": "Azioni di comunicazione: {done} su {total}.",
        "channels": "Canali: {value}.",
        "feedback": "Modalità di ascolto e ritorno: {value}.",
        "measurements": "Rilevazioni registrate: {count}, l'ultima il {last}.",
        "no_measurements": "Non sono ancora state registrate rilevazioni.",
        "none": "nessuno",
        "status": {
            "reached": "obiettivo raggiunto",
            "above_threshold": "sopra l'obiettivo minimo",
            "below_threshold": "sotto l'obiettivo minimo",
            "no_target": "senza obiettivo quantitativo",
            "no_data": "nessun dato",
        },
        "sources": {"public": "pubbliche", "third_sector": "Terzo settore", "private": "private"},
        "macro": {
            "public": "enti pubblici",
            "third_sector": "enti del Terzo settore",
            "non_third_sector": "altri enti non ETS",
            "private": "privati for profit",
            "civil_society": "società civile e cittadini",
            "target_group": "gruppi destinatari",
        },
        "quadrant": {
            "manage_closely": "gestire da vicino",
            "keep_satisfied": "mantenere soddisfatti",
            "keep_informed": "tenere informati",
            "monitor": "monitorare",
        },
        "level": {
            "inform": "informare",
            "consult": "consultare",
            "involve": "coinvolgere",
            "collaborate": "collaborare",
            "empower": "delegare",
        },
        "channel": {
            "meeting": "incontri",
            "public_assembly": "assemblee pubbliche",
            "newsletter": "newsletter",
            "website": "sito",
            "social_media": "social",
            "press": "stampa",
            "report": "report",
            "event": "eventi",
        },
    },
    "en": {
        "disclaimer": (
            "This document is a project's social report, built on the structure of the Italian guidelines for the "
            "social report of Third Sector bodies (DM 4 July 2019): it is not an organisation's legal social report "
            "under art. 14 of the Third Sector Code."
        ),
        "path": (
            "The co-design process ran in four lab sessions: context and problem analysis, stakeholder mapping, "
            "theory of change, social reporting."
        ),
        "standards": (
            "References: DM 4 July 2019 (social report), DM 23 July 2019 (social impact assessment), "
            "theory of change."
        ),
        "counts": "On the project's boards: {problems}, {actors}, {outcomes} and {indicators}.",
        "table": "Co-design table: {value}.",
        "proposing_body": rr._cap(term("proceeding_body", "en")) + ": {value}.",
        "responsible": "Head of the procedure (RUP): {value}.",
        "purpose": "Purpose: {value}.",
        "object": "Object: {value}.",
        "territory": "Territory: {value}.",
        "duration": "Duration of the partnership: {value}.",
        "proposal": "Project proposal: {value}.",
        "need": "Need addressed: {value}.",
        "partners": "Partners: {value}.",
        "rules": "Working rules of the table: {value}.",
        "calendar": "Calendar: {value}.",
        "by_type": "Actors involved by type: {value}.",
        "by_quadrant": "Engagement strategies (power/interest grid): {value}.",
        "by_level": "Engagement levels (IAP2): {value}.",
        "definitive": "Definitive stakeholders (power, legitimacy and urgency): {value}.",
        "people_none": "The project has not recorded the people who work in it yet.",
        "resources_offered": "{actor} offers: {value}.",
        "core": "Problem addressed: {value}.",
        "goal": "Long-term goal: {value}.",
        "activities": "Activities: {value}.",
        "indicator": "{name}: latest value {latest}{unit} on {date}; target {target}; {status}.",
        "indicator_no_data": "{name}: no measurement yet.",
        "stories": "Stories",
        "story": "“{text}” ({teller})",
        "anonymous": "a participant",
        "budget": "Resources by source: {value}.",
        "budget_total": "Total: {value}.",
        "in_kind": "of which in kind: {value}.",
        "no_budget": "The budget has not been filled in yet.",
        "confirmed": "Confirmed assumptions: {value}.",
        "refuted": "Refuted assumptions: {value}.",
        "to_check": "Assumptions still to check: {value}.",
        "risks": "Risks identified: {value}.",
        "communication": "Communication actions: {done} out of {total}.",
        "channels": "Channels: {value}.",
        "feedback": "How people answer back: {value}.",
        "measurements": "Measurements recorded: {count}, the latest on {last}.",
        "no_measurements": "No measurement has been recorded yet.",
        "none": "none",
        "status": {
            "reached": "target reached",
            "above_threshold": "above the minimum target",
            "below_threshold": "below the minimum target",
            "no_target": "no numeric target",
            "no_data": "no data",
        },
        "sources": {"public": "public", "third_sector": "Third Sector", "private": "private"},
        "macro": {
            "public": "public bodies",
            "third_sector": "Third Sector bodies",
            "non_third_sector": "other non-Third-Sector bodies",
            "private": "for-profit private",
            "civil_society": "civil society and citizens",
            "target_group": "target groups",
        },
        "quadrant": {
            "manage_closely": "manage closely",
            "keep_satisfied": "keep satisfied",
            "keep_informed": "keep informed",
            "monitor": "monitor",
        },
        "level": {
            "inform": "inform",
            "consult": "consult",
            "involve": "involve",
            "collaborate": "collaborate",
            "empower": "empower",
        },
        "channel": {
            "meeting": "meetings",
            "public_assembly": "public assemblies",
            "newsletter": "newsletter",
            "website": "website",
            "social_media": "social media",
            "press": "press",
            "report": "reports",
            "event": "events",
        },
    },
}
