"""Session 1 "Analisi del contesto e dei problemi": the names of its cards, fields, choices,
actions and templates, and the check's findings (keyed by their English msgid)."""

from __future__ import annotations

from flask_babel import gettext as _


def strings() -> dict[str, str]:
    return {
        # --- the tavolo sheet --------------------------------------------------------------
        "type.tavolo": _("Co-design table"),
        "field.tavolo.title": _("Title"),
        "field.tavolo.proposing_body": _("Proposing body"),
        "field.tavolo.person_responsible": _("Person responsible for the procedure"),
        "field.tavolo.purpose": _("Aims"),
        "field.tavolo.object": _("Object (activities of general interest)"),
        "field.tavolo.territory": _("Territory"),
        "field.tavolo.duration": _("Duration of the partnership"),
        "field.tavolo.resources": _("Resources (public, Third Sector, in kind)"),
        "field.tavolo.admitted_parties": _("Admitted parties and their roles"),
        "field.tavolo.working_rules": _("Working rules"),
        "field.tavolo.calendar": _("Calendar of the sessions"),
        "field.tavolo.procedure_stage": _("Stage of the procedure"),
        "choice.tavolo.procedure_stage.start": _("Start of the procedure"),
        "choice.tavolo.procedure_stage.notice": _("Public notice"),
        "choice.tavolo.procedure_stage.review": _("Review of the applications"),
        "choice.tavolo.procedure_stage.programming_table": _("Co-programming table"),
        "choice.tavolo.procedure_stage.synthesis": _(
            "Summary document (documento di sintesi) approved"
        ),
        "choice.tavolo.procedure_stage.table": _("Co-design table"),
        "choice.tavolo.procedure_stage.final_project": _("Final project"),
        "choice.tavolo.procedure_stage.agreement": _("Agreement"),
        # --- the problem tree ----------------------------------------------------------------
        "type.problem": _("Problem"),
        "field.problem.text": _("Problem"),
        "field.problem.role": _("Role in the tree"),
        "field.problem.evidence": _("Evidence or source"),
        "field.problem.color": _("Colour"),
        "choice.problem.role.core": _("Core problem"),
        "choice.problem.role.cause": _("Cause"),
        "choice.problem.role.effect": _("Effect"),
        "choice.problem.role.constraint": _("Overall constraint"),
        "type.causal_link": _("Causal link"),
        "field.causal_link.from": _("Cause"),
        "field.causal_link.to": _("Effect"),
        "field.causal_link.kind": _("Kind of link"),
        "field.causal_link.label": _("Label"),
        "choice.causal_link.kind.vertical": _("Cause and effect"),
        "choice.causal_link.kind.joint": _("Joint"),
        # --- the objective tree --------------------------------------------------------------
        "type.objective": _("Objective"),
        "field.objective.text": _("Objective"),
        "field.objective.role": _("Role in the tree"),
        "field.objective.source_problem": _("Problem it comes from"),
        "field.objective.needs_rewording": _("To reword in the positive"),
        "field.objective.in_scope": _("In the project's scope"),
        "field.objective.realistic": _("Realistic"),
        "choice.objective.role.purpose": _("Purpose"),
        "choice.objective.role.means": _("Means"),
        "choice.objective.role.end": _("End"),
        "choice.objective.role.other": _("Other objective"),
        "type.means_end_link": _("Means-end link"),
        "field.means_end_link.from": _("Means"),
        "field.means_end_link.to": _("End"),
        # --- SWOT and TOWS -------------------------------------------------------------------
        "type.swot_item": _("SWOT item"),
        "field.swot_item.text": _("Text"),
        "field.swot_item.quadrant": _("Quadrant"),
        "field.swot_item.priority": _("Priority"),
        "field.swot_item.source_factor": _("PESTEL factor it comes from"),
        "choice.swot_item.quadrant.strength": _("Strength"),
        "choice.swot_item.quadrant.weakness": _("Weakness"),
        "choice.swot_item.quadrant.opportunity": _("Opportunity"),
        "choice.swot_item.quadrant.threat": _("Threat"),
        "type.tows_strategy": _("TOWS strategy"),
        "field.tows_strategy.text": _("Strategy"),
        "field.tows_strategy.kind": _("Kind of strategy"),
        "field.tows_strategy.items": _("SWOT items it pairs"),
        "choice.tows_strategy.kind.so": _("SO: strengths to seize opportunities"),
        "choice.tows_strategy.kind.wo": _("WO: opportunities to overcome weaknesses"),
        "choice.tows_strategy.kind.st": _("ST: strengths against threats"),
        "choice.tows_strategy.kind.wt": _("WT: reduce weaknesses, avoid threats"),
        # --- PESTEL --------------------------------------------------------------------------
        "type.pestel_factor": _("PESTEL factor"),
        "field.pestel_factor.text": _("Factor"),
        "field.pestel_factor.category": _("Category"),
        "field.pestel_factor.direction": _("Direction"),
        "field.pestel_factor.impact": _("Impact (1-5)"),
        "field.pestel_factor.likelihood": _("Likelihood (1-5)"),
        "field.pestel_factor.horizon": _("Time horizon"),
        "field.pestel_factor.source": _("Source"),
        "field.pestel_factor.score": _("Score (impact × likelihood)"),
        "choice.pestel_factor.category.political": _("Political"),
        "choice.pestel_factor.category.economic": _("Economic"),
        "choice.pestel_factor.category.social": _("Social"),
        "choice.pestel_factor.category.technological": _("Technological"),
        "choice.pestel_factor.category.environmental": _("Environmental"),
        "choice.pestel_factor.category.legal": _("Legal"),
        "choice.pestel_factor.direction.positive": _("Positive (an opportunity)"),
        "choice.pestel_factor.direction.negative": _("Negative (a threat)"),
        # --- actions and templates -----------------------------------------------------------
        "action.layout_problem_tree": _("Tidy up the tree"),
        "action.check_problem_tree": _("Check the problem tree"),
        "action.convert_to_objective_tree": _("Turn into an objective tree"),
        "action.promote_pestel_factor": _("Promote to the SWOT"),
        "template.problem_tree": _("Problem and objective trees"),
        "template.swot": _("SWOT and TOWS strategies"),
        "template.pestel": _("PESTEL analysis"),
        "template.tavolo": _("Co-design table sheet"),
        "template.context_full": _("The whole session: context and problem analysis"),
        # --- hints and the check's findings, keyed by their English text ----------------------
        # (workshop.canvases.problem_tree.FINDING_MESSAGES: a test checks each has its line)
        "Problem tree check": _("Problem tree check"),
        "The tree follows the method: nothing to report.": _(
            "The tree follows the method: nothing to report."
        ),
        "There is no core problem yet: agree on one and give it the role core problem.": _(
            "There is no core problem yet: agree on one and give it the role core problem."
        ),
        "There is more than one core problem: a tree has exactly one.": _(
            "There is more than one core problem: a tree has exactly one."
        ),
        "These causes have no path of links to the core problem.": _(
            "These causes have no path of links to the core problem."
        ),
        "No path of links leads from the core problem to these effects.": _(
            "No path of links leads from the core problem to these effects."
        ),
        "These problems cause each other in a circle: a tree has no cycles.": _(
            "These problems cause each other in a circle: a tree has no cycles."
        ),
        "These problems have no links: link them as causes or effects, or remove them.": _(
            "These problems have no links: link them as causes or effects, or remove them."
        ),
    }
