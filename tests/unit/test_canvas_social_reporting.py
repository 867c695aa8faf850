"""Session 4: the communication plan's defaults, indicator progress, and the social report
drafted from the project's boards (with no story that lacks consent)."""

from __future__ import annotations

import pytest

import workshop.canvases  # noqa: F401  (registers the canvases)
from tests.support.boards import ALICE, MemoryBoard
from workshop.boards.canvas import BoardView
from workshop.boards.errors import BoardError
from workshop.boards.state import Item
from workshop.canvases import report_draft as rd
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
        target_minimum=30,
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
        target_minimum=8,
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
    # A partner of the proposal (and lead of an intervention) meets at the table, whatever its
    # grid quadrant ("keep informed" would give it a monthly newsletter).
    assert rows["a-coop"]["channel"] == "meeting" and rows["a-coop"]["frequency"] == "monthly"
    assert rows["a-coop"]["engagement"] == "empower"  # the lab's level: kept
    assert rows["a-fam"]["channel"] == "website" and rows["a-fam"]["engagement"] == "consult"
    board.apply(planned.ops)
    assert sr.plan_from_registry(view_of(board)).ops == []


def test_a_level_the_lab_set_is_never_changed_a_higher_one_is_only_suggested():
    quiet_partner = item(
        "a-odv",
        "actor",
        4,
        name="OdV Il Ponte",
        macro_type="third_sector",
        quadrant="keep_satisfied",
        engagement="inform",
    )
    lead = item(
        "a-lead",
        "actor",
        5,
        name="APS Insieme",
        macro_type="third_sector",
        quadrant="keep_informed",
        engagement="inform",
    )
    observer = item(
        "a-obs",
        "actor",
        6,
        name="Quotidiano locale",
        macro_type="private",
        quadrant="keep_satisfied",
        engagement="inform",
    )
    stakeholders = {
        **STAKEHOLDERS,
        "a-odv": quiet_partner,
        "a-lead": lead,
        "a-obs": observer,
        "pr": item(
            "pr", "proposal", 4, title="Quartiere che accoglie", partners=["a-coop", "a-odv"]
        ),
        "pa": item("pa", "proposal_activity", 7, title="Sportello", lead="a-lead"),
    }
    project = {"context": CONTEXT, "stakeholders": stakeholders, "theory_of_change": THEORY}
    planned = sr.plan_from_registry(
        BoardView(1, "social_reporting", 1, {}, lambda kind: project.get(kind, {}))
    )
    rows = {op["fields"]["audience"]: op["fields"] for op in planned.ops}
    # "inform" stays "inform" for everyone: the old code raised keep_satisfied to "consult".
    assert rows["a-obs"]["engagement"] == "inform" and rows["a-obs"]["channel"] == "report"
    assert rows["a-odv"]["engagement"] == "inform" and rows["a-odv"]["channel"] == "meeting"
    assert rows["a-lead"]["engagement"] == "inform" and rows["a-lead"]["channel"] == "meeting"
    asked = {row["actor"]: row["suggested"] for row in planned.result["to_confirm"]}
    assert asked == {"a-odv": "involve", "a-lead": "collaborate"}
    # The board shows them as findings that select the plan's row: the lab decides.
    ids = {op["fields"]["audience"]: op["id"] for op in planned.ops}
    assert {(f["message_key"], f["item_ids"][0]) for f in planned.result["findings"]} == {
        ("finding.level_to_confirm_involve", ids["a-odv"]),
        ("finding.level_to_confirm_collaborate", ids["a-lead"]),
    }


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


RECORD = {
    "notice_name": "Avviso pubblico per la co-progettazione di servizi per le famiglie",
    "notice_act": "Determina n. 245 del 12 marzo 2026",
    "political_act": "Delibera di Giunta n. 31/2026",
    "cup": "D61B26000120006",
    "proposing_body": "Comune di Lecco, Ufficio di Piano",
    "rup": "Dott.ssa Anna Neri",
    "table_coordination": "Una facilitatrice esterna con l'Ufficio di Piano",
    "territory": "Ambito distrettuale di Lecco",
    "instrument": "co_design",
    "third_sector_types": ["aps", "social_cooperative"],
    "agreement_date": "2026-09-30",
    "agreement_number": "17/2026",
    "agreement_duration": "36 mesi",
    "public_resources_eur": 480000,
    "third_sector_cofunding_eur": 95000,
    "public_in_kind_eur": 51726,
    "strengths": "Rete già attiva",
    "strength_tags": ["rete", "territorio"],
    "table_meetings": [
        ("2026-03-12", "Analisi del contesto"),
        ("2026-04-09", "Mappa degli stakeholder"),
    ],
    "table_organisations": ["APS Insieme", "Comune di Lecco"],
}


def test_the_report_drafts_every_dm_section_from_the_boards():
    sections = rd.draft_sections(
        rd.Sources(CONTEXT, STAKEHOLDERS, THEORY, dict(view_of(_board_with_everything()))), "it"
    )
    assert list(sections) == list(sr.SECTION_KEYS)
    assert "non è il bilancio sociale di un ente" in sections["methodology"]
    assert (
        "2 problemi analizzati, 3 soggetti mappati, 1 esito e 2 indicatori"
        in sections["methodology"]
    )
    assert (
        "Amministrazione procedente: Comune di Lecco." in sections["identity"]
        and "Partner: Cooperativa La Rete." in sections["identity"]
    )
    assert "Ente procedente" not in sections["identity"]
    assert "Enti del Terzo settore del partenariato: Cooperativa La Rete." in sections["identity"]
    assert (
        "gestire da vicino 1" in sections["governance"]
        and "Stakeholder definitivi (potere, legittimità e urgenza): Comune di Lecco."
        in sections["governance"]
    )
    # §4: the boards hold no people; it says so instead of listing what partners offer.
    assert sections["people"].startswith("Da completare a cura dell'ente:")
    assert "Comune di Lecco mette a disposizione: la sede di via Roma." in sections["resources"]
    objectives = sections["objectives_activities"]
    assert "Problema affrontato: Isolamento delle famiglie." in objectives
    assert "Attività: Apertura il sabato (Cooperativa La Rete)." in objectives
    assert (
        "Famiglie con una rete di aiuto: ultimo valore 33 famiglie al 10 maggio 2026; "
        "obiettivo 40 famiglie (minimo 30); sopra l'obiettivo minimo." in objectives
    )
    assert "2026-05-10" not in " ".join(sections.values())
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
    # The ToC's assumptions and risks are §5's "factors that may compromise the aims", not §7.
    assert "Ipotesi confermate: I trasporti restano gratuiti." in objectives
    assert "Rischi individuati: Calo dei volontari." in objectives
    assert "Ipotesi" not in sections["other_information"] and sections[
        "other_information"
    ].startswith("Da completare a cura dell'ente:")
    # Communication done is how stakeholders were engaged (§3); §8 is the control body's.
    assert "Azioni di comunicazione: 1 svolta su 2 previste." in sections["governance"]
    assert "Rilevazioni registrate: 2, l'ultima il 10 maggio 2026." in objectives
    assert sections["monitoring"].startswith(
        "Non applicabile: il monitoraggio dell'organo di controllo"
    )


def test_identity_comes_from_the_record_with_the_rup_under_its_own_label():
    sections = rd.draft_sections(rd.Sources(CONTEXT, STAKEHOLDERS, THEORY, {}, RECORD), "it")
    identity = sections["identity"]
    for expected in (
        "Avviso: Avviso pubblico per la co-progettazione di servizi per le famiglie.",
        "Atto di approvazione dell'avviso: Determina n. 245 del 12 marzo 2026.",
        "Atto di indirizzo politico: Delibera di Giunta n. 31/2026.",
        "CUP: D61B26000120006.",
        "Amministrazione procedente: Comune di Lecco, Ufficio di Piano.",
        "Responsabile del procedimento: Dott.ssa Anna Neri.",
        "Coordinamento del tavolo: Una facilitatrice esterna con l'Ufficio di Piano.",
        "Ambito territoriale: Ambito distrettuale di Lecco.",
        "Strumento: co-progettazione (art. 55 CTS).",
        "Enti del Terzo settore coinvolti (per tipo): associazioni di promozione sociale, cooperative sociali.",
        "Convenzione sottoscritta il 30 settembre 2026, n. 17/2026, durata 36 mesi.",
        "Punti di forza: Rete già attiva (temi: rete, territorio).",
    ):
        assert expected in identity, expected
    assert (
        "Incontri del tavolo: 2 incontri: 12 marzo 2026 (Analisi del contesto); "
        "9 aprile 2026 (Mappa degli stakeholder)." in sections["governance"]
    )
    assert (
        "Organizzazioni presenti agli incontri: APS Insieme, Comune di Lecco."
        in sections["governance"]
    )
    assert (
        "Composizione del tavolo: Comune di Lecco, Cooperativa La Rete." in sections["governance"]
    )
    assert (
        "risorse pubbliche 480.000,00 €, cofinanziamento del Terzo settore 95.000,00 €"
        in sections["resources"]
    )
    assert "Risorse pubbliche non monetarie, valorizzate: 51.726,00 €." in sections["resources"]
    empty = rd.draft_sections(rd.Sources({}, {}, {}, {}), "it")
    assert empty["identity"].startswith("Da completare a cura dell'ente:")


def test_outputs_are_reported_against_what_was_planned_with_the_source_of_measurements():
    theory = {
        **THEORY,
        "o1": item(
            "o1",
            "output",
            7,
            text="Sportelli aperti",
            unit="sportelli",
            planned_quantity=4,
            intervention="v",
        ),
        "o2": item("o2", "output", 8, text="Guida per le famiglie", planned_quantity=1),
        "k3": item("k3", "indicator", 9, name="Sportelli attivi", of="o1", target=4),
    }
    board = reporting_board([])
    board.external["theory_of_change"]["k3"] = "indicator"
    board.apply(
        [
            {
                "op": "create",
                "id": "m9",
                "type": "measurement",
                "fields": {
                    "indicator": "k3",
                    "date": "2026-06-30",
                    "value": 3,
                    "source": "registro presenze",
                    "evidence": "https://example.org/registro.pdf",
                },
            },
        ]
    )
    board_items = {i: it for i, it in board.items.items() if it.alive}
    sections = rd.draft_sections(rd.Sources(CONTEXT, STAKEHOLDERS, theory, board_items), "it")
    objectives = sections["objectives_activities"]
    assert (
        "Realizzazioni rispetto a quanto previsto: Sportelli aperti: quantità prevista 4 sportelli, "
        "quantità realizzata 3 sportelli; "
        "Guida per le famiglie: quantità prevista 1, quantità realizzata non ancora rilevata."
        in objectives
    )
    assert "(fonte: registro presenze; evidenza: https://example.org/registro.pdf)." in objectives


def test_the_report_speaks_english_too_and_an_empty_project_still_has_every_section():
    english = rd.draft_sections(rd.Sources(CONTEXT, STAKEHOLDERS, THEORY, {}), "en")
    assert "not an organisation's legal social report" in english["methodology"]
    assert "Total: €15,000.50." in english["resources"]
    empty = rd.draft_sections(rd.Sources({}, {}, {}, {}), "it")
    assert all(key in empty for key in sr.SECTION_KEYS)
    assert empty["resources"].startswith("Da completare a cura dell'ente:")


def test_drafting_makes_eight_sections_and_never_replaces_edited_words_without_a_yes():
    board = _board_with_everything()
    first = rd._draft(view_of(board), {"lang": "it"}, ALICE)
    assert len(first.ops) == 8
    board.apply(first.ops)
    titles = [title for title, _ in rd.report_sections(board.items.values(), "it")]
    assert (
        titles[0] == "1. Nota metodologica"
        and titles[-1] == "8. Monitoraggio svolto dall'organo di controllo"
    )
    assert rd._draft(view_of(board), {"lang": "it"}, ALICE).ops == []  # nothing new
    section = next(i for i, it in board.items.items() if it.fields.get("key") == "people")
    board.apply([{"op": "update", "id": section, "fields": {"text": "Le nostre parole."}}])
    asked = rd._draft(view_of(board), {"lang": "it"}, ALICE)
    assert asked.ops == [] and asked.result == {"needs_confirmation": True, "edited": [section]}
    board.apply(rd._draft(view_of(board), {"lang": "it", "replace": True}, ALICE).ops)
    assert board.live()[section]["fields"]["edited"] is False
    for bad in ({"lang": "de"}, {"replace": 1}, {"lang": "it", "x": 1}):
        with pytest.raises(BoardError):
            rd._draft(view_of(board), bad, ALICE)


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
