"""Session 3, "Teoria del Cambiamento": the names of its cards, fields, choices and actions."""

from __future__ import annotations

from flask_babel import gettext as _


def strings() -> dict[str, str]:
    return {
        # --- outcomes ---------------------------------------------------------------------------
        "type.outcome": _("Outcome"),
        "field.outcome.text": _("Changed condition"),
        "field.outcome.tier": _("Tier"),
        "choice.outcome.tier.impact": _("Impact"),
        "choice.outcome.tier.long_term": _("Long-term outcome"),
        "choice.outcome.tier.intermediate": _("Intermediate outcome"),
        "choice.outcome.tier.early": _("Early outcome"),
        "field.outcome.is_goal": _("Long-term goal"),
        "field.outcome.above_ceiling": _("Above the accountability ceiling"),
        "field.outcome.population": _("Who changes"),
        "field.outcome.source_objective": _("From the objective"),
        "field.outcome.traffic_light": _("Progress"),
        "choice.outcome.traffic_light.none": _("Not assessed"),
        "choice.outcome.traffic_light.green": _("On track"),
        "choice.outcome.traffic_light.amber": _("At risk"),
        "choice.outcome.traffic_light.red": _("Off track"),
        # --- causal links ---------------------------------------------------------------------------
        "type.toc_link": _("Causal link"),
        "field.toc_link.from": _("Precondition"),
        "field.toc_link.to": _("Leads to"),
        "field.toc_link.rationale": _("Rationale: why it leads there"),
        "field.toc_link.evidence": _("Evidence"),
        "field.toc_link.interventions": _("Interventions on this link"),
        # --- assumptions ----------------------------------------------------------------------------
        "type.assumption": _("Assumption"),
        "field.assumption.text": _("What we assume"),
        "field.assumption.kind": _("Kind"),
        "choice.assumption.kind.assumption": _("Assumption"),
        "choice.assumption.kind.enabling_factor": _("Enabling factor"),
        "choice.assumption.kind.risk": _("Risk"),
        "field.assumption.status": _("Status"),
        "choice.assumption.status.to_check": _("To check"),
        "choice.assumption.status.confirmed": _("Confirmed"),
        "choice.assumption.status.refuted": _("Refuted"),
        "field.assumption.attached_to": _("About"),
        "field.assumption.source_factor": _("From the context analysis"),
        # --- interventions and outputs --------------------------------------------------------------
        "type.intervention": _("Intervention"),
        "field.intervention.text": _("Activity"),
        "field.intervention.lead": _("Lead actor"),
        "field.intervention.partners": _("Partners"),
        "field.intervention.start": _("Start"),
        "field.intervention.end": _("End"),
        "field.intervention.inputs": _("Inputs"),
        "field.intervention.input_source": _("Inputs come from"),
        "choice.intervention.input_source.public": _("Public body"),
        "choice.intervention.input_source.third_sector": _("Third Sector"),
        "choice.intervention.input_source.private": _("Private"),
        "choice.intervention.input_source.mixed": _("Mixed"),
        "field.intervention.targets": _("Outcomes it serves"),
        "type.output": _("Output"),
        "field.output.text": _("What is produced"),
        "field.output.unit": _("Unit"),
        "field.output.planned_quantity": _("Planned quantity"),
        "field.output.intervention": _("Produced by"),
        # --- indicators -------------------------------------------------------------------------------
        "type.indicator": _("Indicator"),
        "field.indicator.name": _("Indicator"),
        "field.indicator.of": _("Measures"),
        "field.indicator.population": _("Population"),
        "field.indicator.target": _("Target (how many succeed)"),
        "field.indicator.unit": _("Unit of the target"),
        "field.indicator.target_minimum": _("Minimum acceptable target"),
        "field.indicator.threshold": _("Threshold: value per person"),
        "field.indicator.threshold_unit": _("Threshold: unit per person"),
        "field.indicator.threshold_note": _(
            "Threshold: the change per person that counts as success"
        ),
        "field.indicator.better": _("Better when"),
        "choice.indicator.better.higher": _("Higher"),
        "choice.indicator.better.lower": _("Lower"),
        "field.indicator.timeline": _("By when"),
        "field.indicator.baseline": _("Baseline"),
        "field.indicator.baseline_date": _("Baseline date"),
        "field.indicator.source": _("Source of verification"),
        "field.indicator.method": _("Method"),
        "field.indicator.frequency": _("Frequency"),
        "choice.indicator.frequency.once": _("Once"),
        "choice.indicator.frequency.monthly": _("Monthly"),
        "choice.indicator.frequency.quarterly": _("Quarterly"),
        "choice.indicator.frequency.half_yearly": _("Every six months"),
        "choice.indicator.frequency.yearly": _("Yearly"),
        "field.indicator.owner": _("Who measures"),
        "field.indicator.kind": _("Kind"),
        "choice.indicator.kind.quantitative": _("Quantitative"),
        "choice.indicator.kind.qualitative": _("Qualitative"),
        # --- the narrative ------------------------------------------------------------------------------
        "type.narrative": _("Narrative"),
        "field.narrative.text": _("Narrative"),
        "field.narrative.lang": _("Language"),
        "choice.narrative.lang.it": _("Italian"),
        "choice.narrative.lang.en": _("English"),
        "field.narrative.generated": _("As generated"),
        "field.narrative.edited": _("Edited by hand"),
        # --- actions and the check's findings -----------------------------------------------------------
        "action.check_theory": _("Check the theory of change"),
        "action.seed_from_earlier_sessions": _("Start from the objective tree and the context"),
        "action.generate_narrative": _("Write the narrative"),
        "action.list_assumption_candidates": _("Candidate assumptions and risks from the context"),
        "action.pick_assumption": _("Take this as an assumption or a risk"),
        "template.theory_of_change": _(
            "Theory of change: tiers of outcomes, interventions, assumptions"
        ),
        "finding.no_goal": _("No outcome is marked as the long-term goal."),
        "finding.several_goals": _("More than one outcome is marked as the long-term goal."),
        "finding.cycle": _("These outcomes lead to each other in a circle."),
        "finding.outcome_without_path_to_goal": _(
            "These outcomes have no path to the long-term goal."
        ),
        "finding.outcome_without_indicator": _("These outcomes have no indicator."),
        "finding.link_without_rationale": _(
            "These links do not say why one outcome leads to the other."
        ),
        "finding.intervention_without_lead": _("These interventions have no lead actor."),
        "finding.intervention_without_target": _(
            "These interventions serve no outcome: choose the outcomes they serve."
        ),
        "finding.indicator_without_subject": _(
            "These indicators measure nothing yet: choose their outcome or output."
        ),
    }
