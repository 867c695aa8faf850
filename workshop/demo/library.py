"""The demo's practice library: a few materials, written here (no one else's text)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from workshop.demo.record import DEMO_ORGANIZER_EMAIL, DEMO_PROJECT_TITLE
from workshop.models import Project, User

# --- the practice library: a few materials, written here (no one else's text) ------------------

DEMO_ART55_SUMMARY = """Art. 55 del Codice del Terzo settore (d.lgs. 117/2017): una sintesi di lavoro

Scritta per il laboratorio dimostrativo di Tavolo; non sostituisce il testo di legge.

1. Le amministrazioni pubbliche coinvolgono gli enti del Terzo settore nell'esercizio delle
   proprie funzioni di programmazione e organizzazione degli interventi e dei servizi nei
   settori di attività di interesse generale (art. 5), nel rispetto dei principi di
   sussidiarietà, cooperazione, efficacia, efficienza ed economicità, omogeneità, copertura
   finanziaria e patrimoniale, responsabilità e unicità dell'amministrazione, autonomia
   organizzativa e regolamentare.
2. La co-programmazione serve a individuare i bisogni da soddisfare, gli interventi
   necessari, le modalità per realizzarli e le risorse disponibili.
3. La co-progettazione serve a definire ed eventualmente realizzare specifici progetti di
   servizio o di intervento, alla luce degli strumenti di programmazione.
4. Gli enti partner sono individuati con procedure trasparenti e non discriminatorie
   (avviso pubblico), nel rispetto della legge 241/1990.

Per approfondire: la sentenza della Corte costituzionale n. 131/2020 e le linee guida del
DM 72/2021 sul rapporto tra pubbliche amministrazioni ed enti del Terzo settore.
"""

DEMO_ADMITTED_CSV = """ente;tipologia;ruolo nel tavolo
Cooperativa sociale Il Faro;cooperativa sociale;partner
ODV Porte Aperte;organizzazione di volontariato;partner
APS Quartieri in rete;associazione di promozione sociale;sostenitore
Fondazione Casa Comune;fondazione;finanziatore
"""

# (title, kind, file name or URL, content or None, issuer, issued, tags, description)
DEMO_MATERIALS = (
    (
        "Art. 55 del Codice del Terzo settore: sintesi di lavoro",
        "normative",
        "art55-sintesi.txt",
        DEMO_ART55_SUMMARY,
        "Laboratorio dimostrativo di Tavolo",
        "2025",
        ("art. 55", "co-programmazione", "co-progettazione"),
        "Una sintesi in quattro punti dell'art. 55, scritta per il laboratorio: da leggere prima della prima sessione.",
    ),
    (
        "Enti ammessi al tavolo: schema di elenco",
        "administrative",
        "enti-ammessi.csv",
        DEMO_ADMITTED_CSV,
        "Ufficio di Piano Valle Serena",
        "2025-03-12",
        ("avviso", "tavolo"),
        "L'elenco degli enti ammessi dall'avviso, con il ruolo di ciascuno: uno schema da riusare.",
    ),
    (
        "Decreto legislativo 3 luglio 2017, n. 117 (Codice del Terzo settore)",
        "normative",
        "https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2017-07-03;117",
        None,
        "Repubblica Italiana",
        "2017-07-03",
        ("art. 55", "terzo settore"),
        "Il testo vigente del Codice, su Normattiva.",
    ),
)


def load_library(session: Session, store_root) -> int:
    """Seed the library with the demo materials (once); returns how many were added.
    `store_root` is the library's directory under the instance."""

    from workshop.library import catalogue, files
    from workshop.models import Material, MaterialKind

    organizer = session.scalar(sa.select(User).where(User.email == DEMO_ORGANIZER_EMAIL))
    project = session.scalar(sa.select(Project).where(Project.title == DEMO_PROJECT_TITLE))
    store = files.FileStore(store_root)
    added = 0
    for title, kind, source, content, issuer, issued, tags, description in DEMO_MATERIALS:
        if session.scalar(sa.select(Material.id).where(Material.title == title)) is not None:
            continue
        year, when = catalogue.parse_issued(issued, date.today())
        is_link = content is None
        fields = catalogue.MaterialFields(
            title,
            MaterialKind(kind),
            description,
            issuer,
            year,
            when,
            "it",
            tags,
            source if is_link else None,
        )
        upload = None if is_link else files.check_upload(source, content.encode("utf-8"))
        material = catalogue.add_material(
            session, store, fields, upload, organizer.id if organizer else None
        )
        if project is not None:
            catalogue.attach_to_project(session, material, project.id)
        added += 1
    return added
