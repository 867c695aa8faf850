"""Session 4, "Rendicontazione sociale": the names of its cards, fields, choices and actions."""

from __future__ import annotations

from flask_babel import gettext as _


def strings() -> dict[str, str]:
    return {
        # --- the communication plan --------------------------------------------------------------
        "type.communication_action": _("Communication action"),
        "field.communication_action.audience": _("To whom"),
        "field.communication_action.what": _("What: the key message"),
        "field.communication_action.why": _("Why"),
        "field.communication_action.channel": _("How: channel"),
        "choice.communication_action.channel.meeting": _("Meeting"),
        "choice.communication_action.channel.public_assembly": _("Public assembly"),
        "choice.communication_action.channel.newsletter": _("Newsletter"),
        "choice.communication_action.channel.website": _("Website"),
        "choice.communication_action.channel.social_media": _("Social media"),
        "choice.communication_action.channel.press": _("Press"),
        "choice.communication_action.channel.report": _("Report"),
        "choice.communication_action.channel.event": _("Event"),
        "field.communication_action.when": _("When"),
        "field.communication_action.frequency": _("Frequency"),
        "choice.communication_action.frequency.once": _("Once"),
        "choice.communication_action.frequency.weekly": _("Weekly"),
        "choice.communication_action.frequency.monthly": _("Monthly"),
        "choice.communication_action.frequency.quarterly": _("Quarterly"),
        "choice.communication_action.frequency.yearly": _("Yearly"),
        "choice.communication_action.frequency.at_milestones": _("At milestones"),
        "field.communication_action.responsible": _("Who is responsible"),
        "field.communication_action.feedback": _("Feedback: how they answer back"),
        "field.communication_action.indicator": _("Indicator"),
        "field.communication_action.engagement": _("Engagement level"),
        "choice.communication_action.engagement.inform": _("Inform"),
        "choice.communication_action.engagement.consult": _("Consult"),
        "choice.communication_action.engagement.involve": _("Involve"),
        "choice.communication_action.engagement.collaborate": _("Collaborate"),
        "choice.communication_action.engagement.empower": _("Empower"),
        "field.communication_action.status": _("Status"),
        "choice.communication_action.status.planned": _("Planned"),
        "choice.communication_action.status.done": _("Done"),
        "choice.communication_action.status.cancelled": _("Cancelled"),
        # --- measurements and stories -------------------------------------------------------------
        "type.measurement": _("Measurement"),
        "field.measurement.indicator": _("Indicator"),
        "field.measurement.date": _("Date"),
        "field.measurement.value": _("Value"),
        "field.measurement.source": _("Source"),
        "field.measurement.evidence": _("Evidence (link)"),
        "field.measurement.note": _("Note"),
        "type.story": _("Story"),
        "field.story.text": _("Story"),
        "field.story.teller": _("Told by"),
        "field.story.consent": _("Consent to publish"),
        "field.story.anonymous": _("Keep the teller anonymous"),
        "field.story.outcome": _("Outcome it tells of"),
        "field.story.actor": _("Actor"),
        # --- the report ---------------------------------------------------------------------------
        "type.report_section": _("Report section"),
        "field.report_section.key": _("Section"),
        "choice.report_section.key.methodology": _("Methodology"),
        "choice.report_section.key.identity": _("Identity"),
        "choice.report_section.key.governance": _("Governance and stakeholders"),
        "choice.report_section.key.people": _("People"),
        "choice.report_section.key.objectives_activities": _("Objectives and activities"),
        "choice.report_section.key.resources": _("Resources"),
        "choice.report_section.key.other_information": _("Other information"),
        "choice.report_section.key.monitoring": _("Monitoring"),
        "field.report_section.lang": _("Language"),
        "choice.report_section.lang.it": _("Italian"),
        "choice.report_section.lang.en": _("English"),
        "field.report_section.title": _("Title"),
        "field.report_section.text": _("Text"),
        "field.report_section.generated": _("As generated"),
        "field.report_section.edited": _("Edited by hand"),
        # --- actions and template -------------------------------------------------------------------
        "action.plan_from_registry": _("Plan a communication action for every stakeholder"),
        "action.draft_social_report": _("Draft the social report"),
        "finding.level_to_confirm_collaborate": _(
            "A partner who leads an activity: the registry says a lower engagement level. "
            "Raise it to collaborate if the lab agrees."
        ),
        "finding.level_to_confirm_involve": _(
            "A partner of the table: the registry says a lower engagement level. Raise it to involve if the lab agrees."
        ),
        "template.social_reporting": _(
            "Social reporting: communication plan, measurements, stories"
        ),
    }
