"""Session 4: the communication plan's defaults, indicator progress, and the social report
drafted from the project's boards (with no story that lacks consent)."""

from __future__ import annotations

import pytest

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import ALICE, MemoryBoard
from workshop.boards.canvas import BoardView
from workshop.boards.errors import BoardError
from workshop.boards.state import Item
from workshop.canvases import social_reporting as sr


def item(item_id, type_, seq=1, **fields):
    return Item(item_id, type_, fields, seq, seq, None, "u:1")


ACTORS = {
    "a-comune": item(
        "a-comune",
        "actor",
        1,
        name="Comune di Lecco",
        macro_type="public",
        quadrant="manage_closely",
        engagement="collaborate",
        salience_class="definitive",
        resources="la sede di via Roma",
    ),
    "a-coop": item(
        "a-coop",
        "actor",
        2,
        name="Cooperativa La Rete",
        macro_type="third_sector",
        quadrant="keep_informed",
        engagement="empower",
        salience_class="dependent",
    ),
    "a-fam": item(
        "a-fam",
        "actor",
        3,
        name="Famiglie del quartiere",
        macro_type="target_group",
        quadrant="monitor",
        engagement="consult",
    ),
}
CONTEXT = {
    "tv": item(
        "tv",
        "tavolo",
        1,
        title="Tavolo famiglie",
        proposing_body="Comune di Lecco",
        territory="Ambito di Lecco",
        purpose="ridurre l'isolamento",
        working_rules="consenso",
    ),
    "cp": item("cp", "problem", 2, text="Isolamento delle famiglie", role="core"),
    "c1": item("c1", "problem", 3, text="Pochi spazi", role="cause"),
}
STAKEHOLDERS = {
    **ACTORS,
    "pr": item(
        "pr",
        "proposal",
        4,
        title="Quartiere che accoglie",
        need="famiglie sole",
        partners=["a-coop"],
    ),
    "b1": item(
        "b1",
        "budget_line",
        5,
        description="Educatori",
        source="public",
        amount=12000.5,
        in_kind=False,
    ),
    "b2": item(
        "b2",
        "budget_line",
        6,
        description="Volontari",
        source="third_sector",
        amount=3000,
        in_kind=True,
    ),
}
THEORY = {
    "g": item("g", "outcome", 1, text="Famiglie meno isolate", is_goal=True),
    "k": item(
        "k",
        "indicator",
        2,
        name="Famiglie con una rete di aiuto",
        of="g",
        target=40,
        threshold=30,
        unit="famiglie",
        baseline=10,
    ),
    "k2": item(
        "k2",
        "indicator",
        3,
        name="Ricoveri evitabili",
        of="g",
        target=5,
        threshold=8,
        better="lower",
    ),
    "v": item("v", "intervention", 4, text="Apertura il sabato", lead="a-coop"),
    "as1": item(
        "as1",
        "assumption",
        5,
        text="I trasporti restano gratuiti",
        status="confirmed",
        kind="assumption",
    ),
    "as2": item("as2", "assumption", 6, text="Calo dei volontari", status="to_check", kind="risk"),
}


def reporting_board(ops=()) -> MemoryBoard:
    external = {
        "stakeholders": {i: it.type for i, it in STAKEHOLDERS.items()},
        "theory_of_change": {i: it.type for i, it in THEORY.items()},
    }
    board = MemoryBoard("social_reporting", external=external)
    if ops:
        board.apply(list(ops))
    return board


def view_of(board: MemoryBoard) -> BoardView:
    project = {"context": CONTEXT, "stakeholders": STAKEHOLDERS, "theory_of_change": THEORY}
    live = {i: it for i, it in board.items.items() if it.alive}
    return BoardView(1, "social_reporting", 1, live, lambda kind: project.get(kind, {}))


def measurement(item_id, indicator, day, value):
    return {
        "op": "create",
        "id": item_id,
        "type": "measurement",
        "fields": {"indicator": indicator, "date": day, "value": value},
    }


def story(item_id, text, consent, **fields):
    return {
        "op": "create",
        "id": item_id,
        "type": "story",
        "fields": {"text": text, "consent": consent, **fields},
    }


# --- the plan -------------------------------------------------------------------------------------------------


def test_every_actor_gets_a_plan_row_with_defaults_from_its_quadrant_once():
    board = reporting_board()
    planned = sr.plan_from_registry(view_of(board))
    rows = {op["fields"]["audience"]: op["fields"] for op in planned.ops}
    assert set(rows) == set(ACTORS)
    assert rows["a-comune"]["channel"] == "meeting" and rows["a-comune"]["frequency"] == "monthly"
    assert rows["a-coop"]["channel"] == "newsletter"
    assert rows["a-coop"]["engagement"] == "empower"  # chosen above the quadrant's default: kept
    assert rows["a-fam"]["channel"] == "website" and rows["a-fam"]["engagement"] == "consult"
    board.apply(planned.ops)
    assert sr.plan_from_registry(view_of(board)).ops == []


# --- progress ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "status", "share"),
    [
        ([], "no_data", None),
        ([("2026-01-01", 20)], "below_threshold", 10 / 30),
        ([("2026-01-01", 20), ("2026-06-01", 35)], "above_threshold", 25 / 30),
        ([("2026-06-01", 41), ("2026-01-01", 12)], "reached", 1.0),  # the latest by date counts
    ],
)
def test_progress_reads_the_latest_measurement_against_target_and_threshold(values, status, share):
    measurements = [
        item(f"m{n}", "measurement", n, indicator="k", date=d, value=v)
        for n, (d, v) in enumerate(values)
    ]
    standing = sr.progress(THEORY["k"], measurements)
    assert standing.status == status
    assert standing.share == (pytest.approx(share) if share is not None else None)


def test_progress_when_lower_is_better():
    def at(value):
        return sr.progress(
            THEORY["k2"], [item("m", "measurement", indicator="k2", date="2026-01-01", value=value)]
        ).status

    assert (at(4), at(7), at(9)) == ("reached", "above_threshold", "below_threshold")


# --- the report -------------------------------------------------------------------------------------------------


def _board_with_everything():
    return reporting_board(
        [
            measurement("m1", "k", "2026-01-10", 18),
            measurement("m2", "k", "2026-05-10", 33),
            story("s1", "Ora il sabato non siamo più soli.", True, teller="Maria"),
            story("s2", "Questa storia è riservata.", False, teller="Giulia"),
            story("s3", "Ho trovato amici.", True, teller="Luca", anonymous=True),
            {
                "op": "create",
                "id": "c1",
                "type": "communication_action",
                "fields": {
                    "audience": "a-fam",
                    "channel": "public_assembly",
                    "status": "done",
                    "feedback": "un questionario",
                },
            },
            {
                "op": "create",
                "id": "c2",
                "type": "communication_action",
                "fields": {"audience": "a-coop", "status": "planned"},
            },
        ]
    )


def test_the_report_drafts_every_dm_section_from_the_boards():
    sections = sr.draft_sections(
        sr.Sources(CONTEXT, STAKEHOLDERS, THEORY, dict(view_of(_board_with_everything()))), "it"
    )
    assert list(sections) == list(sr.SECTION_KEYS)
    assert "non è il bilancio sociale di un ente" in sections["methodology"]
    assert (
        "2 problemi analizzati, 3 soggetti mappati, 1 esiti e 2 indicatori"
        in sections["methodology"]
    )
    assert (
        "Ente procedente: Comune di Lecco." in sections["identity"]
        and "Partner: Cooperativa La Rete." in sections["identity"]
    )
    assert (
        "gestire da vicino 1" in sections["governance"]
        and "Stakeholder definitivi (potere, legittimità e urgenza): Comune di Lecco."
        in sections["governance"]
    )
    assert "Comune di Lecco mette a disposizione: la sede di via Roma." in sections["people"]
    objectives = sections["objectives_activities"]
    assert "Problema affrontato: Isolamento delle famiglie." in objectives
    assert "Attività: Apertura il sabato (Cooperativa La Rete)." in objectives
    assert (
        "Famiglie con una rete di aiuto: ultimo valore 33 famiglie al 2026-05-10; "
        "obiettivo 40 famiglie, almeno 30 famiglie; sopra la soglia." in objectives
    )
    assert "Ricoveri evitabili: nessuna rilevazione ancora." in objectives
    assert (
        "«Ora il sabato non siamo più soli.» (Maria)" in objectives
        and "«Ho trovato amici.» (una persona)" in objectives
    )
    assert "riservata" not in " ".join(sections.values()) and "Giulia" not in " ".join(
        sections.values()
    )
    assert "pubbliche 12.000,50 €, Terzo settore 3.000,00 €" in sections["resources"]
    assert (
        "Totale: 15.000,50 €." in sections["resources"]
        and "di cui in natura: 3.000,00 €." in sections["resources"]
    )
    assert "Ipotesi confermate: I trasporti restano gratuiti." in sections["other_information"]
    assert "Rischi individuati: Calo dei volontari." in sections["other_information"]
    assert "Azioni di comunicazione: 1 svolte su 2 previste." in sections["monitoring"]
    assert "Rilevazioni registrate: 2, l'ultima il 2026-05-10." in sections["monitoring"]


def test_the_report_speaks_english_too_and_an_empty_project_still_has_every_section():
    english = sr.draft_sections(sr.Sources(CONTEXT, STAKEHOLDERS, THEORY, {}), "en")
    assert "not an organisation's legal social report" in english["methodology"]
    assert "Total: €15,000.50." in english["resources"]
    empty = sr.draft_sections(sr.Sources({}, {}, {}, {}), "it")
    assert all(key in empty for key in sr.SECTION_KEYS)
    assert "Il piano economico non è ancora stato compilato." in empty["resources"]


def test_drafting_makes_eight_sections_and_never_replaces_edited_words_without_a_yes():
    board = _board_with_everything()
    first = sr._draft(view_of(board), {"lang": "it"}, ALICE)
    assert len(first.ops) == 8
    board.apply(first.ops)
    titles = [title for title, _ in sr.report_sections(board.items.values(), "it")]
    assert (
        titles[0] == "1. Nota metodologica"
        and titles[-1] == "8. Monitoraggio e restituzione alla comunità"
    )
    assert sr._draft(view_of(board), {"lang": "it"}, ALICE).ops == []  # nothing new
    section = next(i for i, it in board.items.items() if it.fields.get("key") == "people")
    board.apply([{"op": "update", "id": section, "fields": {"text": "Le nostre parole."}}])
    asked = sr._draft(view_of(board), {"lang": "it"}, ALICE)
    assert asked.ops == [] and asked.result == {"needs_confirmation": True, "edited": [section]}
    board.apply(sr._draft(view_of(board), {"lang": "it", "replace": True}, ALICE).ops)
    assert board.live()[section]["fields"]["edited"] is False
    for bad in ({"lang": "de"}, {"replace": 1}, {"lang": "it", "x": 1}):
        with pytest.raises(BoardError):
            sr._draft(view_of(board), bad, ALICE)


def test_a_measurement_must_name_a_live_indicator_of_the_project():
    board = reporting_board()
    with pytest.raises(BoardError) as caught:
        board.apply([measurement("m", "not-an-indicator", "2026-01-01", 3)])
    assert caught.value.code == "invalid_op"
    with pytest.raises(BoardError):
        board.apply(
            [
                {
                    "op": "create",
                    "id": "m",
                    "type": "measurement",
                    "fields": {"indicator": "k", "value": 3},
                }
            ]
        )  # no date
