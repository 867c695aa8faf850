"""A board drawn as SVG, and from it PNG and PDF: for exports, reports and reviews.

Pure: it takes the board's live items (wire form) and the names to show, and returns text or
bytes. Zones and backgrounds are painted first (frames, the power/interest grid with its quadrant
names and axis labels, the proposal sheet), then edges, then cards, each in z order, so that what
the board shows on top is on top in every export (SVG, PNG, PDF, the project ZIP, case
histories). Each item is one <g data-item data-type> group, in paint order.
User text is escaped and wrapped to its card; nothing of it is ever markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from workshop.boards.schema import BACKGROUND_TYPES, Registry, registry
from workshop.exports import card_words

# The board's palette, as the board page draws it (static/css/board.css --c-* and --s-*).
FILL = {
    "yellow": "#fff3a6",
    "orange": "#ffd9a8",
    "red": "#ffc2bd",
    "pink": "#fcd0e6",
    "purple": "#e2d4f7",
    "blue": "#cfe2fb",
    "teal": "#c3ebe6",
    "green": "#d3efc4",
    "grey": "#e6e3de",
    "white": "#ffffff",
}
STROKE = {
    "yellow": "#8a6d00",
    "orange": "#a14f00",
    "red": "#b3261e",
    "pink": "#a8327d",
    "purple": "#6b3fb0",
    "blue": "#0b57d0",
    "teal": "#006a6a",
    "green": "#2e6b1f",
    "grey": "#5f5a53",
    "white": "#5f5a53",
}
# Typed cards carry no colour of their own: one per type, so a printed tree reads at a glance.
TYPE_COLOUR = {
    "problem": "orange",
    "objective": "green",
    "outcome": "teal",
    "intervention": "blue",
    "output": "purple",
    "indicator": "yellow",
    "assumption": "pink",
    "actor": "blue",
    "narrative": "white",
}
# The tone a typed card takes on the board from the field that decides it: a mirror of TONES
# in static/js/board/schema.js, so that a public body and an ETS differ on paper as on screen.
TONES = {
    "problem": (
        "role",
        {"core": "red", "cause": "orange", "effect": "purple", "constraint": "grey"},
    ),
    "objective": ("role", {"purpose": "green", "means": "teal", "end": "blue", "other": "grey"}),
    "swot_item": (
        "quadrant",
        {"strength": "green", "weakness": "orange", "opportunity": "blue", "threat": "red"},
    ),
    "actor": (
        "macro_type",
        {
            "public": "blue",
            "third_sector": "green",
            "non_third_sector": "teal",
            "private": "yellow",
            "civil_society": "pink",
            "target_group": "purple",
        },
    ),
    "budget_line": ("source", {"public": "blue", "third_sector": "green", "private": "yellow"}),
    "outcome": (
        "tier",
        {"impact": "purple", "long_term": "teal", "intermediate": "blue", "early": "green"},
    ),
    "assumption": ("status", {"to_check": "yellow", "confirmed": "green", "refuted": "red"}),
}
INK = "#1d1f21"
MUTED_INK = "#4a4540"  # a card's chips: quieter than its title, still 7:1 on white
MARGIN = 40.0  # board units around the drawing
FONT_SIZE = 14.0  # board units
LINE_HEIGHT = 1.3  # of the font size
CHAR_WIDTH = 0.55  # of the font size: DejaVu Sans' mean advance, for wrapping
PADDING = 10.0
MAX_DRAWN_LINES = 12  # a card shows this many lines at most, then an ellipsis
SMALL_TEXT = 0.8  # of the font size: a card's chips, the proposal's sections
# A PNG is an overview: its longer side is at most this many pixels (a 200-outcome board is
# 13,000 board units wide; drawn at full size it took 9 s and 100 MB of memory).
MAX_PNG_SIDE_PX = 4_096


# The power/interest grid (Mendelow): power grows bottom to top, interest left to right, and
# the high half starts at the middle (workshop.canvases.stakeholders.HIGH_THRESHOLD on 1-5).
GRID_QUADRANTS = (  # (key, column, row): column 0 = low interest, row 0 = high power
    ("keep_satisfied", 0, 0),
    ("manage_closely", 1, 0),
    ("monitor", 0, 1),
    ("keep_informed", 1, 1),
)
GRID_QUADRANT_FILL = {
    "manage_closely": "#fde2d8",
    "keep_satisfied": "#fdf1cf",
    "keep_informed": "#dcebfa",
    "monitor": "#eceae6",
}
# Board content is Italian first: the names a drawing uses when the caller gives no strings.
GRID_WORDS = {
    "choice.actor.quadrant.manage_closely": "Gestire da vicino",
    "choice.actor.quadrant.keep_satisfied": "Mantenere soddisfatti",
    "choice.actor.quadrant.keep_informed": "Tenere informati",
    "choice.actor.quadrant.monitor": "Monitorare",
    "field.actor.power": "Potere",
    "field.actor.interest": "Interesse",
}


@dataclass(frozen=True)
class Labels:
    """What the reader's language calls the types (`type.<name>`) and an empty card; `strings`
    (the board strings) name the grid's quadrants and axes."""

    types: Mapping[str, str]
    untitled: str = ""
    strings: Mapping[str, str] | None = None
    lang: str = "it"  # how amounts and dates are written

    @classmethod
    def of(cls, strings: Mapping[str, str], untitled: str = "", lang: str = "it") -> Labels:
        """Labels from the board strings of the reader's language (web.board_strings)."""
        types = {k.removeprefix("type."): v for k, v in strings.items() if k.startswith("type.")}
        return cls(types, untitled, strings, lang)

    def word(self, key: str) -> str:
        return (self.strings or {}).get(key) or GRID_WORDS[key]


def _num(value: Any, fallback: float = 0.0) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else fallback


def _box(item: Mapping[str, Any]) -> tuple[float, float, float, float]:
    f = item["fields"]
    return _num(f.get("x")), _num(f.get("y")), _num(f.get("w"), 200.0), _num(f.get("h"), 200.0)


def wrap(
    text: str, width: float, font_size: float = FONT_SIZE, max_lines: int = MAX_DRAWN_LINES
) -> list[str]:
    """Greedy word wrap to a width in board units; a word longer than a line is cut."""
    per_line = max(1, int(width / (font_size * CHAR_WIDTH)))
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            while len(word) > per_line:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:per_line])
                word = word[per_line:]
            candidate = f"{line} {word}" if line else word
            if len(candidate) <= per_line:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, per_line - 1)] + "…"
    return lines


def _colour(item: Mapping[str, Any]) -> str:
    colour = item["fields"].get("color")
    if isinstance(colour, str) and (colour in FILL or colour.startswith("#")):
        return colour
    field, tones = TONES.get(item["type"], ("", {}))
    return tones.get(item["fields"].get(field)) or TYPE_COLOUR.get(item["type"], "white")


def _fill(colour: str) -> str:
    return FILL.get(colour, colour)


def _stroke(colour: str) -> str:
    return STROKE.get(colour, INK)


def _title(item: Mapping[str, Any], types: Registry) -> str:
    return card_words.name_of(item, types)


def _text_block(lines: list[str], x: float, y: float, size: float, weight: str = "normal") -> str:
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{(0 if n == 0 else size * LINE_HEIGHT):.1f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:.0f}" font-weight="{weight}">{spans}</text>'


def _edge_end(
    box: tuple[float, float, float, float], towards: tuple[float, float]
) -> tuple[float, float]:
    """Where the line from the box's centre towards a point leaves the box."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    dx, dy = towards[0] - cx, towards[1] - cy
    if dx == 0 and dy == 0:
        return cx, cy
    scale = min(w / 2 / abs(dx) if dx else math.inf, h / 2 / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def _arrow(
    tip: tuple[float, float], tail: tuple[float, float], colour: str, size: float = 12.0
) -> str:
    angle = math.atan2(tip[1] - tail[1], tip[0] - tail[0])
    left = (tip[0] - size * math.cos(angle - 0.4), tip[1] - size * math.sin(angle - 0.4))
    right = (tip[0] - size * math.cos(angle + 0.4), tip[1] - size * math.sin(angle + 0.4))
    points = " ".join(f"{px:.1f},{py:.1f}" for px, py in (tip, left, right))
    return f'<polygon points="{points}" fill="{colour}"/>'


def board_svg(
    items: Iterable[Mapping[str, Any]], labels: Labels, types: Registry = registry, title: str = ""
) -> str:
    """The board as a standalone SVG document, sized to its content."""
    items = list(items)
    by_id = {it["id"]: it for it in items}
    spatial = [it for it in items if "x" in it["fields"] and "w" in it["fields"]]
    if spatial:
        boxes = [_box(it) for it in spatial]
        left = min(b[0] for b in boxes) - MARGIN
        top = min(b[1] for b in boxes) - MARGIN
        right = max(b[0] + b[2] for b in boxes) + MARGIN
        bottom = max(b[1] + b[3] for b in boxes) + MARGIN
    else:
        left, top, right, bottom = 0.0, 0.0, 400.0, 200.0
    heading = 0.0
    if title:
        heading = FONT_SIZE * 2.5
        top -= heading
    words = card_words.CardWords(by_id, labels.strings or {}, types, labels.lang)
    relations_title, said = words.relation_lines(items)
    # Each relation wrapped to the drawing's width (a long note must not run off its edge).
    relations = [line for one in said for line in wrap(one, right - left - 2 * MARGIN)]
    legend_top = bottom
    if relations:
        bottom += (len(relations) + 2) * FONT_SIZE * LINE_HEIGHT + MARGIN
    width, height = right - left, bottom - top
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="{left:.1f} {top:.1f} {width:.1f} {height:.1f}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'fill="{INK}">',
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{height:.1f}" fill="#ffffff"/>',
    ]
    if title:
        out.append(
            _text_block([title], left + MARGIN, top + FONT_SIZE * 1.8, FONT_SIZE * 1.4, "bold")
        )
    ordered = sorted(spatial, key=lambda it: (str(it["fields"].get("z", "")), it["id"]))
    backgrounds = [it for it in ordered if it["type"] in BACKGROUND_TYPES]
    cards = [it for it in ordered if it["type"] not in BACKGROUND_TYPES]
    for zone in backgrounds:
        out.append(_group_open(zone))
        if zone["type"] == "pi_grid":
            out.extend(_grid(zone, labels))
        elif zone["type"] == "frame":
            x, y, w, h = _box(zone)
            colour = _colour(zone)
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="8" fill="{_fill(colour)}" '
                f'fill-opacity="0.5" stroke="{_stroke(colour)}" stroke-width="1.5"/>'
            )
            out.append(
                _text_block(
                    wrap(_title(zone, types), w - 2 * PADDING, max_lines=2),
                    x + PADDING,
                    y + PADDING + FONT_SIZE,
                    FONT_SIZE,
                    "bold",
                )
            )
        else:
            out.extend(_card(zone, labels, types, words))
        out.append("</g>")
    for edge in items:
        ends = edge["fields"].get("from"), edge["fields"].get("to")
        if "x" in edge["fields"] or not all(isinstance(e, str) and e in by_id for e in ends):
            continue
        out.append(_group_open(edge))
        source, target = (_box(by_id[e]) for e in ends)
        s_centre = (source[0] + source[2] / 2, source[1] + source[3] / 2)
        t_centre = (target[0] + target[2] / 2, target[1] + target[3] / 2)
        start, end = _edge_end(source, t_centre), _edge_end(target, s_centre)
        colour = _stroke(_colour(edge)) if edge["fields"].get("color") else "#5f5a53"
        dashed = (
            ' stroke-dasharray="8 6"'
            if edge["fields"].get("style") == "dashed" or edge["fields"].get("type") == "conflict"
            else ""
        )
        out.append(
            f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
            f'stroke="{colour}" stroke-width="2"{dashed}/>'
        )
        arrow = edge["fields"].get("arrow", "end")
        if edge["fields"].get("direction") in ("mutual",):
            arrow = "both"
        elif edge["fields"].get("direction") == "undirected":
            arrow = "none"
        if arrow in ("end", "both"):
            out.append(_arrow(end, start, colour))
        if arrow in ("start", "both"):
            out.append(_arrow(start, end, colour))
        label = edge["fields"].get("label")
        if isinstance(label, str) and label.strip():
            mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2)
            out.append(
                _text_block(wrap(label, 200, FONT_SIZE * 0.85, 2), mid[0], mid[1], FONT_SIZE * 0.85)
            )
        out.append("</g>")
    for card in cards:
        out.append(_group_open(card))
        out.extend(_card(card, labels, types, words))
        out.append("</g>")
    if relations:
        # The arrows do not say a relation's kind or strength: the list under the drawing does.
        out.append('<g data-legend="relations">')
        out.append(
            _text_block([relations_title], left + MARGIN, legend_top + FONT_SIZE, FONT_SIZE, "bold")
        )
        out.append(
            _text_block(
                relations, left + MARGIN, legend_top + FONT_SIZE * (1 + 2 * LINE_HEIGHT), FONT_SIZE
            )
        )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _group_open(item: Mapping[str, Any]) -> str:
    return f"<g data-item={quoteattr(str(item['id']))} data-type={quoteattr(str(item['type']))}>"


def _grid(grid: Mapping[str, Any], labels: Labels) -> list[str]:
    """The power/interest grid as the board shows it: four tinted quadrants with their names,
    the two middle lines, and the axes named along the left and bottom edges."""
    x, y, w, h = _box(grid)
    half_w, half_h = w / 2, h / 2
    out = []
    for key, column, row in GRID_QUADRANTS:
        qx, qy = x + column * half_w, y + row * half_h
        out.append(
            f'<rect x="{qx:.1f}" y="{qy:.1f}" width="{half_w:.1f}" height="{half_h:.1f}" '
            f'fill="{GRID_QUADRANT_FILL[key]}" data-quadrant="{key}"/>'
        )
        name = labels.word(f"choice.actor.quadrant.{key}")
        # Names sit in the quadrant's outer corner, away from the centre where cards crowd.
        tx = qx + (
            PADDING * 3
            if column == 0
            else half_w - PADDING - len(name) * FONT_SIZE * 1.1 * CHAR_WIDTH
        )
        ty = qy + (PADDING + FONT_SIZE * 1.1 if row == 0 else half_h - PADDING * 3)
        out.append(
            _text_block([name], tx, ty, FONT_SIZE * 1.1, "bold").replace(
                "<text ", '<text fill="#5f5a53" ', 1
            )
        )
    out.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
        'fill="none" stroke="#5f5a53" stroke-width="1.5"/>'
    )
    out.append(
        f'<line x1="{x + half_w:.1f}" y1="{y:.1f}" x2="{x + half_w:.1f}" y2="{y + h:.1f}" '
        'stroke="#5f5a53" stroke-dasharray="6 6"/>'
    )
    out.append(
        f'<line x1="{x:.1f}" y1="{y + half_h:.1f}" x2="{x + w:.1f}" y2="{y + half_h:.1f}" '
        'stroke="#5f5a53" stroke-dasharray="6 6"/>'
    )
    interest, power = labels.word("field.actor.interest"), labels.word("field.actor.power")
    axis = FONT_SIZE * 0.95
    # Along the outer edges, in the drawing's margin: low to high, as the grid reads.
    out.append(
        f'<text x="{x + w / 2:.1f}" y="{y + h + axis * 1.3:.1f}" font-size="{axis:.0f}" text-anchor="middle" '
        f'fill="#5f5a53" data-axis="interest">{escape(interest)} →</text>'
    )
    cx, cy = x - axis * 0.6, y + h / 2
    out.append(
        f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{axis:.0f}" text-anchor="middle" fill="#5f5a53" '
        f'transform="rotate(-90 {cx:.1f} {cy:.1f})" data-axis="power">{escape(power)} →</text>'
    )
    return out


def _card(
    card: Mapping[str, Any], labels: Labels, types: Registry, words: card_words.CardWords
) -> list[str]:
    """A card (or the proposal sheet): its shape, its type's name if typed, its text, and in
    a smaller line at its foot what its chips say on the board (card_words.summary); the
    proposal sheet its sections."""
    out: list[str] = []
    x, y, w, h = _box(card)
    colour = _colour(card)
    typed = card["type"] not in ("sticky", "text", "shape")
    if card["type"] != "text":
        shape = card["fields"].get("shape") if card["type"] == "shape" else "rect"
        if shape == "ellipse":
            out.append(
                f'<ellipse cx="{x + w / 2:.1f}" cy="{y + h / 2:.1f}" rx="{w / 2:.1f}" ry="{h / 2:.1f}" '
                f'fill="{_fill(colour)}" stroke="{_stroke(colour)}" stroke-width="1.5"/>'
            )
        else:
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6" '
                f'fill="{_fill(colour)}" stroke="{_stroke(colour)}" stroke-width="1.5"/>'
            )
    text_top = y + PADDING + FONT_SIZE
    # A card too short for its type's name and a line of text (an indicator chip under its
    # outcome) shows its text only: the text stays inside the card instead of spilling below.
    if typed and h >= 2 * PADDING + 2 * FONT_SIZE:
        kind = labels.types.get(card["type"], card["type"])
        out.append(_text_block([kind.upper()], x + PADDING, text_top - 2, FONT_SIZE * 0.7, "bold"))
        text_top += FONT_SIZE
    small = FONT_SIZE * SMALL_TEXT
    foot: list[str] = []
    if typed:
        said = words.summary(card)
        room = int((y + h - PADDING - text_top) / (FONT_SIZE * LINE_HEIGHT))
        if said and room >= 2:  # the title keeps at least a line
            foot = wrap(said, w - 2 * PADDING, small, max_lines=min(2, room - 1))
    foot_h = len(foot) * small * LINE_HEIGHT
    lines_fit = max(1, int((y + h - PADDING - foot_h - text_top) / (FONT_SIZE * LINE_HEIGHT)) + 1)
    title_lines = wrap(
        _title(card, types) or labels.untitled,
        w - 2 * PADDING,
        max_lines=min(MAX_DRAWN_LINES, lines_fit),
    )
    out.append(_text_block(title_lines, x + PADDING, text_top, FONT_SIZE))
    if card["type"] == "proposal":
        below = text_top + len(title_lines) * FONT_SIZE * LINE_HEIGHT + small
        out.extend(_sections(words.proposal_sections(card), (x, below, w, y + h - below)))
    if foot:
        foot_top = y + h - PADDING - foot_h + small
        out.append(
            _text_block(foot, x + PADDING, foot_top, small).replace(
                "<text ", f'<text fill="{MUTED_INK}" ', 1
            )
        )
    return out


def _sections(
    sections: list[tuple[str, str]], area: tuple[float, float, float, float]
) -> list[str]:
    """The proposal sheet's sections, each a bold heading and its text, as many as fit."""
    x, top, w, h = area
    small = FONT_SIZE * SMALL_TEXT
    step = small * LINE_HEIGHT
    out: list[str] = []
    y = top + small
    for heading, text in sections:
        room = int((top + h - PADDING - y) / step)
        if room < 2:
            break
        body = wrap(text, w - 2 * PADDING, small, max_lines=min(MAX_DRAWN_LINES, room - 1))
        out.append(_text_block([heading], x + PADDING, y, small, "bold"))
        out.append(_text_block(body, x + PADDING, y + step, small))
        y += (len(body) + 1) * step + small * 0.6
    return out


def svg_to_png(svg: str, max_side_px: int = MAX_PNG_SIDE_PX) -> bytes:
    """The drawing as a PNG, scaled down so its longer side is at most `max_side_px`."""
    import cairosvg  # imported here: only exports pay for loading cairo

    match = re.search(r'<svg[^>]* width="([0-9.]+)" height="([0-9.]+)"', svg)
    longer = max(float(match.group(1)), float(match.group(2))) if match else max_side_px
    scale = min(1.0, max_side_px / longer) if longer > 0 else 1.0
    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale)


def svg_to_pdf(svg: str) -> bytes:
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"))


__all__ = ["Labels", "board_svg", "svg_to_pdf", "svg_to_png", "wrap"]
