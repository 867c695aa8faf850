"""The social report drafted from the project's four boards (session 4), by the DM 4 luglio 2019
headings, written with the words of `report_words.py`: the draft and its action.

Split from `social_reporting.py`, which declares the session's item types, the communication
plan and the progress of an indicator that this module builds on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from workshop.boards.canvas import Action, ActionResult, BoardView, register_action
from workshop.boards.errors import InvalidOp
from workshop.boards.state import Actor, Item
from workshop.canvases import report_record as rr
from workshop.canvases.common import create, new_id
from workshop.canvases.report_words import SECTION_TITLES, WORDS
from workshop.canvases.social_reporting import (
    CONTEXT,
    KIND,
    MAX_SECTION_CHARS,
    SECTION_KEYS,
    STAKEHOLDERS,
    THEORY,
    progress,
)
from workshop.canvases.theory_of_change import target_words, threshold_words
from workshop.glossary import counted, long_date
from workshop.numbers import format_euros

# --- the social report ---------------------------------------------------------------------------------------


def _clean(text: Any) -> str:
    return " ".join(str(text or "").split()).rstrip(".")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _counted(counter: Counter, names: Mapping[str, str]) -> str:
    return ", ".join(f"{names.get(key, key)} {count}" for key, count in counter.most_common())


@dataclass
class Sources:
    """What the report is drafted from: the live items of the project's four session boards."""

    context: Mapping[str, Item]
    stakeholders: Mapping[str, Item]
    theory: Mapping[str, Item]
    reporting: Mapping[str, Item]
    record: Mapping[str, Any] = field(default_factory=dict)  # the project's record (its columns)

    def of(self, items: Mapping[str, Item], *types: str) -> list[Item]:
        return sorted(
            (it for it in items.values() if it.type in types),
            key=lambda it: (it.created_seq, it.id),
        )


def _latest_measurement(indicator_id: str, measurements: Iterable[Item]) -> Item | None:
    own = [m for m in measurements if m.fields.get("indicator") == indicator_id]
    return max(own, key=lambda m: (str(m.fields.get("date")), m.created_seq), default=None)


def _communication_lines(sources: Sources, w: Mapping[str, Any], lang: str) -> list[str]:
    """How the stakeholders were engaged (DM §3): the communication plan done of planned."""
    actions = sources.of(sources.reporting, "communication_action")
    planned = [a for a in actions if a.fields.get("status") != "cancelled"]
    if not planned:
        return []
    lines = [
        w["communication"].format(
            done=counted(
                sum(a.fields.get("status") == "done" for a in planned), "action_done", lang
            ),
            total=counted(len(planned), "action_planned", lang),
        ),
        w["channels"].format(
            value=_counted(Counter(a.fields.get("channel") for a in planned), w["channel"])
        ),
    ]
    feedback = sorted(
        {_clean(a.fields.get("feedback")) for a in planned if _clean(a.fields.get("feedback"))}
    )
    if feedback:
        lines.append(w["feedback"].format(value="; ".join(feedback)))
    return lines


def draft_sections(sources: Sources, lang: str) -> dict[str, str]:
    """Every section's text, drafted from its sources, in the report's language."""
    w = WORDS[lang]
    actors = {it.id: it for it in sources.of(sources.stakeholders, "actor")}

    def name_of(actor_id: str | None) -> str:
        actor = actors.get(actor_id or "")
        return _clean(actor.fields.get("name")) if actor else ""

    def names(ids: Iterable[str]) -> str:
        return ", ".join(n for n in (name_of(i) for i in ids) if n) or w["none"]

    def line(key: str, value: Any) -> list[str]:
        value = _clean(value)
        return [w[key].format(value=value)] if value else []

    tavolo = next(iter(sources.of(sources.context, "tavolo")), None)
    proposal = next(iter(sources.of(sources.stakeholders, "proposal")), None)
    t = tavolo.fields if tavolo else {}
    p = proposal.fields if proposal else {}
    problems = sources.of(sources.context, "problem")
    outcomes = sources.of(sources.theory, "outcome")
    indicators = sources.of(sources.theory, "indicator")
    measurements = sources.of(sources.reporting, "measurement")
    sections: dict[str, list[str]] = defaultdict(list)

    sections["methodology"] = [
        w["disclaimer"],
        w["path"],
        w["counts"].format(
            problems=counted(len(problems), "problem_analysed", lang),
            actors=counted(len(actors), "actor_mapped", lang),
            outcomes=counted(len(outcomes), "outcome", lang),
            indicators=counted(len(indicators), "indicator", lang),
        ),
        w["standards"],
    ]
    identity = line("table", t.get("title"))
    identity += rr.identity_lines(sources.record, t, actors, lang)
    identity += (
        line("duration", t.get("duration"))
        + line("proposal", p.get("title"))
        + line("need", p.get("need"))
    )
    if p.get("partners"):
        identity.append(w["partners"].format(value=names(p.get("partners", []))))
    sections["identity"] = identity
    governance = line("rules", t.get("working_rules")) + line("calendar", t.get("calendar"))
    if actors:
        governance.append(
            w["by_type"].format(
                value=_counted(
                    Counter(a.fields.get("macro_type") for a in actors.values()), w["macro"]
                )
            )
        )
        quadrants = Counter(
            a.fields.get("quadrant") for a in actors.values() if a.fields.get("quadrant")
        )
        if quadrants:
            governance.append(w["by_quadrant"].format(value=_counted(quadrants, w["quadrant"])))
        governance.append(
            w["by_level"].format(
                value=_counted(
                    Counter(a.fields.get("engagement") for a in actors.values()), w["level"]
                )
            )
        )
        definitive = [
            a.id for a in actors.values() if a.fields.get("salience_class") == "definitive"
        ]
        if definitive:
            governance.append(w["definitive"].format(value=names(definitive)))
    members = rr.table_members(actors, p.get("partners", []), lang)
    if members:
        governance.append(rr.WORDS[lang]["table_members"].format(value=", ".join(members)))
    governance += rr.meeting_lines(sources.record, lang)
    governance += _communication_lines(sources, w, lang)
    sections["governance"] = governance
    offered = [
        w["resources_offered"].format(actor=name_of(a.id), value=_clean(a.fields["resources"]))
        for a in actors.values()
        if _clean(a.fields.get("resources"))
    ]
    sections["people"] = [rr.to_complete("people_missing", lang)]

    objectives = []
    core = [pr for pr in problems if pr.fields.get("role") == "core"]
    if core:
        objectives.append(w["core"].format(value=_clean(core[0].fields.get("text"))))
    goal = next((o for o in outcomes if o.fields.get("is_goal")), None)
    if goal:
        objectives.append(w["goal"].format(value=_clean(goal.fields.get("text"))))
    interventions = sources.of(sources.theory, "intervention")
    if interventions:
        described = []
        for it in interventions:
            lead = name_of(it.fields.get("lead"))
            described.append(_clean(it.fields.get("text")) + (f" ({lead})" if lead else ""))
        objectives.append(w["activities"].format(value="; ".join(described)))
    for indicator in indicators:
        standing = progress(indicator, measurements)
        name = _clean(indicator.fields.get("name"))
        if standing.latest is None:
            objectives.append(w["indicator_no_data"].format(name=name))
            continue
        unit = indicator.fields.get("unit", "").strip()
        # The target (how many, with its minimum) and the per-person threshold (what counts).
        target_parts = (
            [target_words(indicator.fields, lang)]
            if indicator.fields.get("target") is not None
            else []
        )
        threshold = threshold_words(indicator.fields, lang)
        if threshold:
            target_parts.append(
                ("soglia per persona: " if lang == "it" else "threshold per person: ") + threshold
            )
        objectives.append(
            w["indicator"].format(
                name=name,
                latest=_number(standing.latest),
                unit=f" {unit}" if unit else "",
                date=long_date(standing.values[-1][0], lang),
                target=", ".join(target_parts) or w["none"],
                status=w["status"][standing.status],
            )
        )
        provenance = rr.measurement_provenance(
            _latest_measurement(indicator.id, measurements), lang
        )
        if provenance:
            objectives[-1] = objectives[-1][:-1] + f" ({provenance})."
    latest = {i.id: v for i in indicators if (v := progress(i, measurements).latest) is not None}
    objectives += rr.output_lines(sources.of(sources.theory, "output"), indicators, latest, lang)
    if measurements:
        last = max(m.fields["date"] for m in measurements)
        objectives.append(
            w["measurements"].format(count=len(measurements), last=long_date(last, lang))
        )
    else:
        objectives.append(w["no_measurements"])
    stories = [s for s in sources.of(sources.reporting, "story") if s.fields.get("consent") is True]
    if stories:
        objectives.append(w["stories"] + ":")
        for story in stories:
            teller = (
                w["anonymous"]
                if story.fields.get("anonymous") or not _clean(story.fields.get("teller"))
                else _clean(story.fields["teller"])
            )
            objectives.append(
                w["story"].format(
                    text=" ".join(str(story.fields.get("text", "")).split()), teller=teller
                )
            )
    sections["objectives_activities"] = objectives

    budget = sources.of(sources.stakeholders, "budget_line")
    from_ledger = rr.ledger_resource_lines(sources.record, lang)
    if from_ledger:
        # The co-funding ledger is the project's one budget (docs/ledger.md).
        sections["resources"] = from_ledger
    elif budget:
        by_source: dict[str, float] = defaultdict(float)
        in_kind = 0.0
        for line_item in budget:
            amount = float(line_item.fields.get("amount") or 0)
            by_source[line_item.fields.get("source", "public")] += amount
            if line_item.fields.get("in_kind"):
                in_kind += amount
        split = ", ".join(
            f"{w['sources'][s]} {format_euros(by_source[s], lang)}"
            for s in ("public", "third_sector", "private")
            if by_source.get(s)
        )
        resources = [
            w["budget"].format(value=split),
            w["budget_total"].format(value=format_euros(sum(by_source.values()), lang)),
        ]
        if in_kind:
            resources.append(w["in_kind"].format(value=format_euros(in_kind, lang)))
        sections["resources"] = resources
    else:
        sections["resources"] = [rr.to_complete("resources_missing", lang)]
    if not from_ledger:
        sections["resources"] += rr.record_budget_line(sources.record, lang)
    sections["resources"] += offered

    assumptions = sources.of(sources.theory, "assumption")
    # DM 4/7/2019 §5 asks for the factors that may compromise the aims: the ToC's assumptions
    # and risks belong there, not in §7 (other information).
    for status in ("confirmed", "refuted", "to_check"):
        texts = [
            _clean(a.fields.get("text"))
            for a in assumptions
            if a.fields.get("status") == status and a.fields.get("kind") != "risk"
        ]
        if texts:
            objectives.append(w[status].format(value="; ".join(texts)))
    risks = [_clean(a.fields.get("text")) for a in assumptions if a.fields.get("kind") == "risk"]
    if risks:
        objectives.append(w["risks"].format(value="; ".join(risks)))
    sections["other_information"] = [rr.to_complete("other_missing", lang)]
    sections["monitoring"] = [rr.WORDS[lang]["monitoring_na"]]
    return {key: "\n\n".join(sections[key]) for key in SECTION_KEYS}


SECTION_W, SECTION_H = 640.0, 520.0  # board units
SECTION_GAP = 40.0


def draft_report(view: BoardView, lang: str, replace: bool) -> ActionResult:
    sources = Sources(
        context=view.project_items(CONTEXT),
        stakeholders=view.project_items(STAKEHOLDERS),
        theory=view.project_items(THEORY),
        reporting=dict(view),
        record=view.project_record(),
    )
    drafted = draft_sections(sources, lang)
    existing = {
        it.fields["key"]: it
        for it in view.of_type("report_section")
        if it.fields.get("lang") == lang
    }
    edited = [it.id for key, it in existing.items() if it.fields.get("edited")]
    if edited and not replace:
        # Someone rewrote a section: their words are not replaced without a yes.
        return ActionResult(result={"needs_confirmation": True, "edited": sorted(edited)})
    ops = []
    right = max(
        (float(it.fields["x"]) + float(it.fields["w"]) for it in view.values() if "x" in it.fields),
        default=-SECTION_GAP,
    )
    for n, key in enumerate(SECTION_KEYS):
        text = drafted[key][:MAX_SECTION_CHARS]
        title = SECTION_TITLES[lang][key]
        section = existing.get(key)
        if section is None:
            ops.append(
                create(
                    new_id("rs"),
                    "report_section",
                    key=key,
                    lang=lang,
                    title=title,
                    text=text,
                    generated=text,
                    x=right + SECTION_GAP + (n % 4) * (SECTION_W + SECTION_GAP),
                    y=(n // 4) * (SECTION_H + SECTION_GAP),
                    w=SECTION_W,
                    h=SECTION_H,
                )
            )
        elif section.fields.get("text") != text or section.fields.get("generated") != text:
            ops.append(
                {
                    "op": "update",
                    "id": section.id,
                    "fields": {"text": text, "generated": text, "title": title},
                }
            )
    return ActionResult(ops=ops, result={"sections": len(SECTION_KEYS), "updated": len(ops)})


def _draft(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    lang = args.get("lang", "it")
    replace = args.get("replace", False)
    if lang not in WORDS or not isinstance(replace, bool) or set(args) - {"lang", "replace"}:
        raise InvalidOp(
            "draft_social_report takes {lang: it|en, replace: true|false}", field="args"
        )
    return draft_report(view, lang, replace)


def report_sections(items: Iterable[Item | Mapping[str, Any]], lang: str) -> list[tuple[str, str]]:
    """(title, text) of the report's sections in the DM 4/7/2019 order, for the outputs."""
    by_key = {}
    for it in items:
        type_, fields = (it.type, it.fields) if isinstance(it, Item) else (it["type"], it["fields"])
        if type_ == "report_section" and fields.get("lang") == lang:
            # The DM's own headings, whatever an older draft called them; an emptied section
            # still says that it is to be completed.
            text = (
                fields.get("text", "")
                if str(fields.get("text", "")).strip()
                else rr.to_complete_section(lang)
            )
            by_key[fields["key"]] = (
                SECTION_TITLES[lang].get(fields["key"], fields.get("title", "")),
                text,
            )
    return [by_key[key] for key in SECTION_KEYS if key in by_key]


register_action([KIND], Action("draft_social_report", _draft))
