"""Codes for the kinds of Third Sector bodies (art. 4 d.lgs. 117/2017, Codice del Terzo settore).

Codes are stored; the web layer gives each a translated label.
"""

from __future__ import annotations

THIRD_SECTOR_TYPES = (
    "odv",  # organizzazione di volontariato
    "aps",  # associazione di promozione sociale
    "philanthropic",  # ente filantropico
    "social_enterprise",  # impresa sociale
    "social_cooperative",  # cooperativa sociale
    "network",  # rete associativa
    "mutual_aid",  # società di mutuo soccorso
    "association",  # associazione riconosciuta o non riconosciuta
    "foundation",  # fondazione
    "religious",  # ente religioso (ramo ETS)
    "other",  # altro ente del Terzo settore
)
