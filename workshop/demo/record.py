"""The demo project's record and accounts: content, not interface, so in Italian, as a lab would write it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

DEMO_ORGANIZER_EMAIL = "organizzatrice@demo.local"
DEMO_CONDUCTOR_EMAIL = "conduttore@demo.local"
DEMO_PASSWORD = "demo-workshop"
DEMO_JOIN_CODE = "CAFE7946"  # shown as CAFE-7946
DEMO_PROJECT_TITLE = "Abitare solidale: co-progettazione dei servizi per l'abitare"

DEMO_RECORD = {
    "title": DEMO_PROJECT_TITLE,
    "notice_name": "Avviso pubblico per la co-progettazione di interventi per l'abitare solidale",
    "notice_act": "Determinazione dirigenziale n. 245 del 12 marzo 2025",
    "proposing_body": "Ufficio di Piano dell'Ambito territoriale Valle Serena (ente capofila: Comune di Borgo Sereno)",
    "territory": "Ambito territoriale Valle Serena: 14 Comuni, 96.000 abitanti",
    "third_sector_types": ["social_cooperative", "aps", "odv", "foundation"],
    "motivation": (
        "La crisi abitativa colpisce famiglie monoreddito, giovani e anziani soli. Nessun ente da "
        "solo dispone delle competenze e delle risorse necessarie: la co-progettazione (art. 55 "
        "d.lgs. 117/2017) permette di mettere in comune conoscenze, immobili e reti."
    ),
    "requested_activities": (
        "Sportello unico per l'abitare; accompagnamento educativo all'autonomia abitativa; "
        "coabitazioni solidali; mediazione tra proprietari e inquilini."
    ),
    "public_resources_eur": Decimal("480000.00"),
    "public_resources_monetary": "Fondo nazionale politiche sociali e fondi PNRR M5C2, per 36 mesi.",
    "public_resources_in_kind": "Tre alloggi comunali e i locali per lo sportello.",
    "third_sector_cofunding_eur": Decimal("95000.00"),
    "third_sector_cofunding": "Ore di volontariato, due alloggi di una fondazione (ETS), un furgone per i traslochi.",
    "procedure_steps": (
        "Avvio del procedimento; pubblicazione dell'avviso; istruttoria delle domande; quattro "
        "sessioni del tavolo con verbali; determina di approvazione del progetto; convenzione."
    ),
    "table_coordination": "La responsabile del procedimento dell'Ufficio di Piano, con una facilitatrice esterna.",
    "participant_selection": "Gli enti ammessi dall'avviso, più due rappresentanti delle persone seguite dai servizi.",
    "conflict_handling": (
        "Regole del tavolo condivise alla prima sessione; "
        "decisioni per consenso, poi a maggioranza qualificata."
    ),
    "strengths": "Rete già attiva sul territorio; alloggi disponibili; forte impegno politico.",
    "weaknesses": "Tempi stretti del PNRR; poca esperienza di valutazione d'impatto.",
    # The rest of the seed-004 record (issue 16): the RUP apart from the table's coordination.
    "rup": "Dott.ssa Elena Ricci, Ufficio di Piano Valle Serena",
    "political_act": "Delibera della Conferenza dei Sindaci n. 4 del 20 febbraio 2025",
    "cup": "F71H26000040006",
    "instrument": "co_design",
    "scheme_general_objective": (
        "Prevenire la perdita della casa e accompagnare le famiglie fragili all'autonomia abitativa."
    ),
    "scheme_specific_objectives": (
        "1. Uno sportello unico per l'abitare in ogni distretto (accoglienza, orientamento, mediazione); "
        "2. coabitazioni solidali in alloggi pubblici e del Terzo settore (12 posti); "
        "3. accompagnamento educativo per 40 famiglie in 36 mesi."
    ),
    "public_in_kind_eur": Decimal("120000.00"),  # the municipal flats, as in the ledger
    "agreement_date": date(2025, 9, 30),
    "agreement_number": "Rep. n. 112/2025",
    "agreement_duration": "36 mesi",
    "strength_tags": ["rete territoriale", "patrimonio abitativo"],
    "weakness_tags": ["tempi", "valutazione d'impatto"],
}
