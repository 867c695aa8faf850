"""Session 1's templates: the problem tree's zones, SWOT, PESTEL, the tavolo sheet, and the whole
session on one board. Item ids start with their zone's name (`swot-opportunity-...`), which is
how context.promote_pestel_factor finds the SWOT zone. Registered on import (canvases/__init__).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop.boards.canvas import Template, register_template
from workshop.canvases.common import create, new_id, shifted
from workshop.canvases.context import (
    CARD_H,
    CARD_W,
    CONVERT_GAP,
    KINDS,
    PESTEL_CATEGORIES,
    SWOT_QUADRANTS,
    TAVOLO_H,
    TAVOLO_W,
    ZONE_PAD,
    ZONE_TITLE_H,
)

# --- templates -----------------------------------------------------------------------------------
# Zone titles and guiding questions are board content, written in Italian as a lab would (the
# demo project is too); the interface around them is translated.

FRAME_Z, GUIDE_Z = "A0", "A1"  # order keys below the cards' default "a0": zones stay underneath


def _zone(
    prefix: str, title: str, x: float, y: float, w: float, h: float, color: str = "white"
) -> dict[str, Any]:
    return create(new_id(prefix), "frame", title=title, x=x, y=y, w=w, h=h, color=color, z=FRAME_Z)


def _guide(
    text: str, x: float, y: float, w: float, h: float = 80.0, size: str = "s"
) -> dict[str, Any]:
    return create(new_id("guide"), "text", text=text, x=x, y=y, w=w, h=h, size=size, z=GUIDE_Z)


TREE_W, TREE_H = 1_800.0, 1_400.0


def build_problem_tree() -> list[dict[str, Any]]:
    """Two zones side by side: the problem tree (effects above, the core problem, causes below,
    overall constraints on the side) and the objective tree the conversion fills."""
    ops = [
        _zone("problem-tree", "Albero dei problemi", 0, 0, TREE_W, TREE_H),
        _guide(
            "Un problema per cartoncino: uno stato negativo che esiste oggi, non la mancanza di "
            "una soluzione. Concordate il problema centrale, poi ordinate le cause sotto e gli "
            "effetti sopra e collegateli.",
            ZONE_PAD,
            ZONE_PAD,
            TREE_W - 2 * ZONE_PAD,
            80,
        ),
        _guide("Effetti", ZONE_PAD, 160, 300, 60, size="l"),
        _guide("Problema centrale", ZONE_PAD, 620, 300, 60, size="l"),
        _guide("Cause", ZONE_PAD, 900, 300, 60, size="l"),
        create(
            new_id("problem"),
            "problem",
            role="core",
            color="red",
            x=(TREE_W - 360) / 2 - 180,
            y=600,
            w=CARD_W + 120,
            h=CARD_H + 20,
        ),
        _zone(
            "constraints", "Vincoli generali", TREE_W - 360, 160, 320, TREE_H - 200, color="grey"
        ),
        _zone(
            "objective-tree",
            "Albero degli obiettivi",
            TREE_W + CONVERT_GAP,
            0,
            TREE_W,
            TREE_H,
            color="green",
        ),
        _guide(
            "Tradurre in positivo il contenuto delle caselle: ogni problema diventa uno stato "
            "desiderabile e realistico. Le cause diventano mezzi, gli effetti fini, il problema "
            "centrale lo scopo. Scegliete poi gli obiettivi nell'ambito del progetto.",
            TREE_W + CONVERT_GAP + ZONE_PAD,
            ZONE_PAD,
            TREE_W - 2 * ZONE_PAD,
            80,
        ),
    ]
    return ops


SWOT_ZONE_W, SWOT_ZONE_H = 800.0, 600.0
SWOT_TITLES = {
    "strength": ("Punti di forza", "Interni: su cosa possiamo contare?", "green"),
    "weakness": ("Punti di debolezza", "Interni: cosa ci manca o ci frena?", "orange"),
    "opportunity": ("Opportunità", "Esterne: cosa nel contesto può aiutarci?", "blue"),
    "threat": ("Minacce", "Esterne: cosa nel contesto può ostacolarci?", "red"),
}


def build_swot() -> list[dict[str, Any]]:
    """The 2x2 grid (internal strengths and weaknesses above, external opportunities and
    threats below) and the TOWS zone where strategies pair them."""
    ops = []
    for index, quadrant in enumerate(SWOT_QUADRANTS):
        title, question, color = SWOT_TITLES[quadrant]
        x = (index % 2) * (SWOT_ZONE_W + ZONE_PAD)
        y = (index // 2) * (SWOT_ZONE_H + ZONE_PAD)
        ops.append(_zone(f"swot-{quadrant}", title, x, y, SWOT_ZONE_W, SWOT_ZONE_H, color=color))
        ops.append(
            _guide(question, x + ZONE_PAD, y + SWOT_ZONE_H - 80, SWOT_ZONE_W - 2 * ZONE_PAD, 60)
        )
    tows_y = 2 * (SWOT_ZONE_H + ZONE_PAD)
    tows_w = 2 * SWOT_ZONE_W + ZONE_PAD
    ops.append(_zone("tows", "Strategie TOWS", 0, tows_y, tows_w, 500, color="teal"))
    ops.append(
        _guide(
            "SO: usare i punti di forza per cogliere le opportunità. WO: superare le debolezze "
            "grazie alle opportunità. ST: usare i punti di forza contro le minacce. WT: ridurre "
            "le debolezze ed evitare le minacce.",
            ZONE_PAD,
            tows_y + ZONE_PAD,
            tows_w - 2 * ZONE_PAD,
            80,
        )
    )
    return ops


PESTEL_COLUMN_W, PESTEL_COLUMN_H = 320.0, 1_100.0
PESTEL_COLUMNS = {
    "political": (
        "Politici",
        "In che modo le scelte politiche e di governo, nazionali, regionali e locali, possono incidere sul progetto?",
    ),
    "economic": (
        "Economici",
        "In che modo l'andamento dell'economia, del lavoro e delle risorse disponibili può incidere sul progetto?",
    ),
    "social": (
        "Sociali",
        "Quali tendenze demografiche, sociali e culturali del territorio possono incidere sul progetto?",
    ),
    "technological": (
        "Tecnologici",
        "In che modo le tecnologie e la loro diffusione tra le persone possono incidere sul progetto?",
    ),
    "environmental": (
        "Ambientali",
        "Quali fattori ambientali e del territorio possono incidere sul progetto?",
    ),
    "legal": (
        "Legali",
        "Quali norme e vincoli giuridici (Codice del Terzo settore, regolamenti, accreditamenti) "
        "possono incidere sul progetto?",
    ),
}


def build_pestel() -> list[dict[str, Any]]:
    """Six columns, each with its guiding question."""
    ops = []
    for index, category in enumerate(PESTEL_CATEGORIES):
        title, question = PESTEL_COLUMNS[category]
        x = index * (PESTEL_COLUMN_W + ZONE_PAD)
        ops.append(_zone(f"pestel-{category}", title, x, 0, PESTEL_COLUMN_W, PESTEL_COLUMN_H))
        ops.append(_guide(question, x + 20, ZONE_TITLE_H, PESTEL_COLUMN_W - 40, 140))
    return ops


def build_tavolo() -> list[dict[str, Any]]:
    """The co-design table's sheet: one per board."""
    return [create(new_id("tavolo"), "tavolo", x=0, y=0, w=TAVOLO_W, h=TAVOLO_H)]


def _extent(ops: list[dict[str, Any]]) -> tuple[float, float]:
    """Width and height of what a template's ops cover, from (0, 0)."""
    spatial = [op["fields"] for op in ops if "x" in op["fields"]]
    return (
        max(f["x"] + f.get("w", 200) for f in spatial),
        max(f["y"] + f.get("h", 200) for f in spatial),
    )


SECTION_GAP = 400.0


def build_context_full() -> list[dict[str, Any]]:
    """The whole session on one board: the tavolo on the left, the two trees beside it, PESTEL
    and SWOT underneath, PESTEL first since its factors feed the SWOT."""
    tavolo, tree = build_tavolo(), build_problem_tree()
    tree_x = TAVOLO_W + SECTION_GAP
    below = max(_extent(tavolo)[1], _extent(tree)[1]) + SECTION_GAP
    pestel = build_pestel()
    swot_x = tree_x + _extent(pestel)[0] + SECTION_GAP
    return (
        tavolo
        + shifted(tree, tree_x)
        + shifted(pestel, tree_x, below)
        + shifted(build_swot(), swot_x, below)
    )


TEMPLATE_BUILDERS: dict[str, Callable[[], list[dict[str, Any]]]] = {
    "problem_tree": build_problem_tree,
    "swot": build_swot,
    "pestel": build_pestel,
    "tavolo": build_tavolo,
    "context_full": build_context_full,
}
for _name, _build in TEMPLATE_BUILDERS.items():
    register_template(Template(_name, KINDS, _build))
