"""The indicator chart in the social report: a value axis an Italian official reads (round ticks,
decimal comma) and the target's labels clear of the measured line."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from workshop.exports.charts import PAD_LEFT, indicator_chart

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {"target": "Obiettivo", "threshold": "Obiettivo minimo"}


def _texts(svg: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(svg).iter(f"{SVG}text"))


def _chart(values, **kwargs):
    options = {
        "target": 40,
        "threshold": 30,
        "baseline": None,
        "description": "d",
        "labels": LABELS,
    }
    return indicator_chart("Famiglie con una casa stabile", values, **{**options, **kwargs})


def test_the_value_axis_has_round_ticks():
    svg = _chart([("2026-12-31", 8), ("2027-06-30", 20), ("2027-12-31", 33)])
    ticks = [t.text for t in _texts(svg) if re.fullmatch(r"[\d.,]+", t.text or "")]
    assert ticks == ["0", "10", "20", "30", "40", "50"]


def test_small_values_read_with_a_decimal_comma_in_italian_and_a_point_in_english():
    values = [("2026-12-31", 0.2), ("2027-12-31", 1.3)]
    italian = [t.text for t in _texts(_chart(values, target=1.5, threshold=None))]
    assert "0,5" in italian and "Obiettivo 1,5" in italian
    assert not any(re.fullmatch(r"\d+\.\d+", t or "") for t in italian)
    english = [t.text for t in _texts(_chart(values, target=1.5, threshold=None, lang="en"))]
    assert "0.5" in english and "Obiettivo 1.5" in english


def test_the_target_labels_sit_at_the_end_far_from_the_measured_line():
    ends_near = _chart([("2026-12-31", 8), ("2027-12-31", 33)])  # the demo's: rises to its target
    starts_near = _chart([("2026-12-31", 38), ("2027-12-31", 12)])
    for svg, left in ((ends_near, True), (starts_near, False)):
        for label in (t for t in _texts(svg) if (t.text or "").startswith("Obiettivo")):
            assert (float(label.get("x")) < PAD_LEFT + 10) == left, label.text
