"""The co-funding ledger: partners from the registry, derived source classes, Decimal totals,
and nothing typed before the ledger dropped without a word (issue 16)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workshop import demo, ledger
from workshop.boards import service as boards
from workshop.boards.ops import parse_change
from workshop.boards.state import Actor
from workshop.models import BoardKind, LedgerLine, Project
from workshop.projects import service as projects

CONDUCTOR = Actor("u:1", "Carla", may_conduct=True)


def _actor(item_id, name, macro, sub, runts=False):
    fields = {"name": name, "macro_type": macro, "sub_type": sub, "runts": runts}
    fields |= {"x": 2000, "y": 0, "w": 180, "h": 90}  # off the grid: no grid on this board
    return {"op": "create", "id": item_id, "type": "actor", "fields": fields}


def _second_project(session, *extra_ops):
    """A project built through the real paths: created by the service, its registry written
    through the board engine as a lab writes it."""
    project = projects.create_project(session, {"title": "Orti di quartiere"}, None)
    session.commit()
    board_id = boards.project_board_id(session, project.id, BoardKind.STAKEHOLDERS.value)
    ops = [
        _actor("a-comune", "Comune di Lago", "public", "comune"),
        _actor("a-fond", "Fondazione di comunità del Lago", "third_sector", "foundation", True),
        _actor("a-odv", "ODV Verde", "third_sector", "odv", False),
        _actor("a-bank", "Banca del territorio", "private", "bank"),
        _actor("a-corp", "Fondazione d'impresa Acme", "private", "corporate_foundation"),
        *extra_ops,
    ]
    change = parse_change({"board_id": board_id, "change_id": "c1", "client_id": "t", "ops": ops})
    boards.apply_change(session, change, CONDUCTOR)
    return session.get(Project, project.id)


def _line(actor_id, planned, category="personnel", **more):
    return {"actor_id": actor_id, "category": category, "planned_eur": Decimal(planned), **more}


def test_source_class_follows_the_registrys_typology():
    assert ledger.source_class("public", "comune") == "public"
    # A foundation registered as ETS is Third Sector (art. 4 CTS), a corporate one is private.
    assert ledger.source_class("third_sector", "foundation") == "third_sector"
    assert ledger.source_class("third_sector", "philanthropic") == "third_sector"
    assert ledger.source_class("private", "corporate_foundation") == "private"
    assert ledger.source_class("non_third_sector", "union") == "private"
    assert ledger.source_class("civil_society", "committee") == "private"


def test_lines_totals_and_shares_on_a_second_project(session):
    project = _second_project(session)
    ledger.add_line(session, project.id, _line("a-comune", "60000.00"))
    ledger.add_line(
        session,
        project.id,
        _line("a-fond", "30000.50", "facilities", in_kind=True, valuation_basis="Canone OMI"),
    )
    ledger.add_line(session, project.id, _line("a-bank", "9999.50", "goods_services"))
    session.commit()

    found = ledger.lines(session, project.id)
    assert [line.source_class for line in found] == ["public", "third_sector", "private"]
    assert found[1].actor_name == "Fondazione di comunità del Lago" and found[1].runts is True
    by_source = ledger.totals_by_source(found)
    assert by_source["public"].planned == Decimal("60000.00")
    assert by_source["third_sector"].planned == Decimal("30000.50")
    assert by_source["third_sector"].planned_in_kind == Decimal("30000.50")
    assert by_source["private"].planned == Decimal("9999.50")
    whole = ledger.summary(session, project)
    assert whole.total_planned == Decimal("100000.00")
    shares = {t.actor_id: t.share_percent for t in whole.by_partner}
    assert shares == {
        "a-comune": Decimal("60.0"),
        "a-fond": Decimal("30.0"),
        "a-bank": Decimal("10.0"),
    }
    assert whole.by_category["facilities"].planned == Decimal("30000.50")
    assert whole.reconciliation.clean


@pytest.mark.parametrize(
    "fields, code",
    [
        (_line("nobody", "10"), "unknown_partner"),
        (_line("a-comune", "10", "travel"), "unknown_choice"),
        (_line("a-comune", "-1"), "out_of_range"),
        (_line("a-comune", "10.005"), "too_many_decimals"),
        ({"actor_id": "a-comune", "category": "other", "planned_eur": 10.5}, "not_an_amount"),
        (_line("a-odv", "500", in_kind=True), "valuation_basis_required"),
        (_line("a-comune", "10", colour="red"), "unknown_field"),
    ],
)
def test_bad_lines_are_refused_and_change_nothing(session, fields, code):
    project = _second_project(session)
    with pytest.raises(ledger.LedgerError) as refused:
        ledger.add_line(session, project.id, fields)
    assert refused.value.code == code
    session.rollback()
    assert ledger.lines(session, project.id) == []


def test_a_retyped_partner_moves_its_lines_to_the_new_class(session):
    project = _second_project(session)
    ledger.add_line(session, project.id, _line("a-corp", "1000"))
    session.commit()
    board_id = boards.project_board_id(session, project.id, BoardKind.STAKEHOLDERS.value)
    retype = {
        "op": "update",
        "id": "a-corp",
        "fields": {"macro_type": "third_sector", "sub_type": "foundation"},
    }
    boards.apply_change(
        session,
        parse_change({"board_id": board_id, "change_id": "c2", "client_id": "t", "ops": [retype]}),
        CONDUCTOR,
    )
    totals = ledger.totals_by_source(ledger.lines(session, project.id))
    assert totals["private"].planned == 0 and totals["third_sector"].planned == Decimal("1000.00")


def test_another_projects_line_is_not_found(session):
    first = _second_project(session)
    line = ledger.add_line(session, first.id, _line("a-comune", "10"))
    other = projects.create_project(session, {"title": "Altro"}, None)
    session.commit()
    for act in (
        lambda: ledger.delete_line(session, other.id, line.id),
        lambda: ledger.update_line(session, other.id, line.id, _line("a-comune", "1")),
    ):
        with pytest.raises(ledger.LedgerError) as refused:
            act()
        assert refused.value.code == "not_found"
    assert session.get(LedgerLine, line.id).planned_eur == Decimal("10.00")


def test_old_figures_are_shown_beside_the_ledger_with_their_difference(session):
    budget = {
        "op": "create",
        "id": "b-1",
        "type": "budget_line",
        "fields": {
            "description": "Sponsor",
            "source": "private",
            "amount": 7000,
            "in_kind": False,
            "x": 0,
            "y": 0,
            "w": 100,
            "h": 50,
        },
    }
    budget_2 = {
        "op": "create",
        "id": "b-2",
        "type": "budget_line",
        "fields": {
            "description": "Sede",
            "source": "public",
            "amount": 12000.5,
            "in_kind": True,
            "x": 0,
            "y": 0,
            "w": 100,
            "h": 50,
        },
    }
    project = _second_project(session, budget, budget_2)
    project.public_resources_eur = Decimal("50000.00")
    project.third_sector_cofunding_eur = Decimal("0.00")
    ledger.add_line(session, project.id, _line("a-comune", "20000"))
    session.commit()

    aside = ledger.summary(session, project).reconciliation
    assert not aside.clean
    figures = {f.field: f for f in aside.record_figures}
    assert figures["public_resources_eur"].difference == Decimal("30000.00")
    assert "third_sector_cofunding_eur" not in figures  # 0 in the record, 0 in the ledger
    assert [(b.item_id, b.amount) for b in aside.budget_lines] == [
        ("b-1", Decimal("7000.00")),
        ("b-2", Decimal("12000.50")),
    ]

    # Two private partners could have given b-1: it is not guessed. b-2 has one public partner.
    assert [line.origin for line in ledger.adopt_matching_budget_lines(session, project.id)] == [
        "budget_line:b-2"
    ]
    with pytest.raises(ledger.LedgerError):
        ledger.adopt_budget_line(session, project.id, "b-2", "a-comune")  # not twice
    ledger.adopt_budget_line(session, project.id, "b-1", "a-bank", "goods_services")
    session.commit()
    aside = ledger.summary(session, project).reconciliation
    assert aside.budget_lines == []
    assert {f.field: f.difference for f in aside.record_figures} == {
        "public_resources_eur": Decimal("17999.50")
    }


def test_the_demo_record_ledger_and_proposal_agree(session):
    result = demo.load(session)
    project = session.get(Project, result.project_id)
    whole = ledger.summary(session, project)
    by_source = whole.by_source
    assert by_source["public"].planned == project.public_resources_eur == Decimal("480000.00")
    assert (
        by_source["third_sector"].planned
        == project.third_sector_cofunding_eur
        == Decimal("95000.00")
    )
    assert by_source["private"].planned == 0
    # The foundation is an ETS in the registry: its two homes are Third Sector co-funding.
    foundation = next(t for t in whole.by_partner if t.actor_id == "demo-fondazione")
    assert foundation.source_class == "third_sector" and foundation.planned == Decimal("50000.00")
    # Every board budget line is in the ledger, with the source the ledger derives.
    assert whole.reconciliation.clean
    items = boards.project_board_items(session, project.id, BoardKind.STAKEHOLDERS.value)
    by_origin = {line.origin: line for line in whole.lines}
    for item in items.values():
        if item.type == "budget_line":
            line = by_origin[f"budget_line:{item.id}"]
            assert line.source_class == item.fields["source"]
            assert line.planned_eur == Decimal(str(item.fields["amount"]))
            assert not line.in_kind or line.valuation_basis
    assert sum((t.share for t in whole.by_partner), Decimal(0)) == pytest.approx(Decimal(1))
    # A rerun changes nothing.
    demo.load(session)
    assert len(ledger.lines(session, project.id)) == len(demo.DEMO_BUDGET)
