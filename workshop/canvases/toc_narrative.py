"""The Theory of Change as a narrative (CfTOC stage 6), walked back from the goal.

Generated content, not interface: the narrative is written in the language the lab asks for
and kept on the board, so its sentences live here with the method rather than in a catalogue.
Card texts are quoted as labels («…») after a noun that introduces them ("l'esito «…»"),
because a card may hold a noun phrase ("Meno sfratti") or a clause ("Le famiglie trovano
casa"): either reads well after a colon, neither after "è necessario che". Counts agree with
their noun and days are written out ("31 dicembre 2027").
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Mapping
from typing import Any

from workshop.boards.canvas import Action, ActionResult, BoardView, register_action
from workshop.boards.errors import InvalidOp
from workshop.boards.state import Actor, Item
from workshop.canvases.common import create, new_id
from workshop.canvases.theory_of_change import (
    KIND,
    MAX_NARRATIVE_CHARS,
    STAKEHOLDERS,
    _clean,
    _graph,
    day_words,
    target_words,
    threshold_words,
)

SENTENCES = {
    "it": {
        "title": "Teoria del cambiamento",
        "goal": "Il nostro obiettivo di lungo periodo è questo cambiamento: «{goal}».",
        "no_goal": "La teoria non ha ancora un obiettivo di lungo periodo.",
        "needs": "Per arrivare all'esito «{target}» serve prima un altro cambiamento: «{source}»",
        "because": ", perché {rationale}",
        "evidence": " (evidenze: {evidence})",
        "assume_one": "Diamo per vera questa condizione: {assumptions}.",
        "assume_many": "Diamo per vere queste condizioni: {assumptions}.",
        "risk_one": "Teniamo d'occhio questo rischio: {assumptions}.",
        "risk_many": "Teniamo d'occhio questi rischi: {assumptions}.",
        "status": {"to_check": "da verificare", "confirmed": "confermata", "refuted": "smentita"},
        # "a cura di" takes a body's name as it is written, with no article to guess.
        "do_one": "L'intervento {interventions} è a cura di {who}.",
        "do_many": "Gli interventi {interventions} sono a cura di {who}.",
        "who_unknown": "tutto il partenariato",
        "and": " e ",
        "measure": "Lo misureremo con l'indicatore «{name}»{details}.",
        "population": "chi cambia: {population}",
        "target": "obiettivo: {target}",
        "threshold": "successo per ciascuno: {threshold}",
        "timeline": "entro il {timeline}",
        "ceiling": "Oltre questo punto il progetto contribuisce, ma non ne risponde da solo: «{outcome}».",
        "deleted_actor": "un soggetto non più in elenco",
    },
    "en": {
        "title": "Theory of change",
        "goal": "Our long-term goal is this change: “{goal}”.",
        "no_goal": "The theory has no long-term goal yet.",
        "needs": "To reach the outcome “{target}”, another change must come first: “{source}”",
        "because": ", because {rationale}",
        "evidence": " (evidence: {evidence})",
        "assume_one": "We take this condition to hold: {assumptions}.",
        "assume_many": "We take these conditions to hold: {assumptions}.",
        "risk_one": "We watch this risk: {assumptions}.",
        "risk_many": "We watch these risks: {assumptions}.",
        "status": {"to_check": "to be checked", "confirmed": "confirmed", "refuted": "refuted"},
        "do_one": "The intervention {interventions} is run by {who}.",
        "do_many": "The interventions {interventions} are run by {who}.",
        "who_unknown": "the whole partnership",
        "and": " and ",
        "measure": "We will measure it with the indicator “{name}”{details}.",
        "population": "who changes: {population}",
        "target": "target: {target}",
        "threshold": "success for each person: {threshold}",
        "timeline": "by {timeline}",
        "ceiling": "Beyond this point the project contributes but is not accountable alone: “{outcome}”.",
        "deleted_actor": "an actor no longer listed",
    },
}
QUOTES = {"it": "«{}»", "en": "“{}”"}


def listing(texts: list[str], lang: str) -> str:
    """«a», «b» e «c»: quoted labels joined the way the language joins them."""
    quoted = [QUOTES[lang].format(t) for t in texts]
    if len(quoted) < 2:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + SENTENCES[lang]["and"] + quoted[-1]


def write_narrative(view: BoardView, lang: str) -> str:
    """Walk back from the goal, breadth first: for each outcome, the preconditions that lead to
    it, why (the rationale), what we assume and what we watch, who does what, how we will know."""
    words = SENTENCES[lang]
    actors = view.project_items(STAKEHOLDERS)

    def actor_name(actor_id: str | None) -> str:
        actor = actors.get(actor_id) if actor_id else None
        return _clean(actor.fields.get("name", "")) if actor is not None else words["deleted_actor"]

    outcomes, links = _graph(view)
    goals = sorted(
        (it for it in outcomes.values() if it.fields.get("is_goal")), key=lambda it: it.created_seq
    )
    if not goals:
        return words["no_goal"]
    ordered = sorted(view.values(), key=lambda it: (it.created_seq, it.id))
    into = defaultdict(list)
    for link in ordered:
        if (
            link.type == "toc_link"
            and link.fields["from"] in outcomes
            and link.fields["to"] in outcomes
        ):
            into[link.fields["to"]].append(link)
    assumptions_on: dict[str, list[Item]] = defaultdict(list)
    for it in ordered:
        if it.type == "assumption" and it.fields.get("attached_to"):
            assumptions_on[it.fields["attached_to"]].append(it)
    interventions = {i: it for i, it in view.items() if it.type == "intervention"}
    targeting = defaultdict(list)
    for it in ordered:
        if it.type == "intervention":
            for outcome_id in it.fields.get("targets", []):
                targeting[outcome_id].append(it)
    indicators = defaultdict(list)
    for it in ordered:
        if it.type == "indicator" and it.fields.get("of"):
            indicators[it.fields["of"]].append(it)

    def measure(outcome_id: str) -> list[str]:
        sentences = []
        for ind in indicators[outcome_id]:
            f = ind.fields
            details = []
            if f.get("population"):
                details.append(words["population"].format(population=actor_name(f["population"])))
            if target_words(f, lang):
                details.append(words["target"].format(target=target_words(f, lang)))
            if threshold_words(f, lang):
                details.append(words["threshold"].format(threshold=threshold_words(f, lang)))
            if f.get("timeline"):
                details.append(words["timeline"].format(timeline=day_words(f["timeline"], lang)))
            joined = (" (" + "; ".join(details) + ")") if details else ""
            sentences.append(
                words["measure"].format(name=_clean(f.get("name", "")), details=joined)
            )
        return sentences

    def assumed(items: list[Item]) -> list[str]:
        sentences = []
        for risk in (False, True):
            chosen = [a for a in items if (a.fields.get("kind") == "risk") == risk]
            if not chosen:
                continue
            texts = [
                f"{QUOTES[lang].format(_clean(a.fields.get('text', '')))} "
                f"({words['status'][a.fields.get('status', 'to_check')]})"
                for a in chosen
            ]
            key = ("risk" if risk else "assume") + ("_one" if len(texts) == 1 else "_many")
            sentences.append(words[key].format(assumptions="; ".join(texts)))
        return sentences

    def doing(items: list[Item]) -> list[str]:
        by_lead = defaultdict(list)
        for it in items:
            lead = it.fields.get("lead")
            by_lead[actor_name(lead) if lead else words["who_unknown"]].append(
                _clean(it.fields.get("text", ""))
            )
        return [
            words["do_one" if len(texts) == 1 else "do_many"].format(
                who=who, interventions=listing(texts, lang)
            )
            for who, texts in by_lead.items()
        ]

    paragraphs = [words["title"]]
    seen: set[str] = set()
    queue: deque[str] = deque()
    for goal in goals:
        paragraphs.append(
            " ".join(
                [
                    words["goal"].format(goal=_clean(goal.fields.get("text", ""))),
                    *assumed(assumptions_on[goal.id]),
                    *doing(targeting[goal.id]),
                    *measure(goal.id),
                ]
            )
        )
        seen.add(goal.id)
        queue.append(goal.id)
    while queue:
        target = queue.popleft()
        for link in into[target]:
            source_id = link.fields["from"]
            source = outcomes[source_id]
            sentence = words["needs"].format(
                source=_clean(source.fields.get("text", "")),
                target=_clean(outcomes[target].fields.get("text", "")),
            )
            if link.fields.get("rationale", "").strip():
                sentence += words["because"].format(rationale=_clean(link.fields["rationale"]))
            if link.fields.get("evidence", "").strip():
                sentence += words["evidence"].format(evidence=_clean(link.fields["evidence"]))
            parts = [sentence + "."]
            parts.extend(assumed(assumptions_on[link.id] + assumptions_on[source_id]))
            on_link = [
                interventions[i] for i in link.fields.get("interventions", []) if i in interventions
            ]
            parts.extend(doing(on_link + [it for it in targeting[source_id] if it not in on_link]))
            parts.extend(measure(source_id))
            if source.fields.get("above_ceiling"):
                parts.append(words["ceiling"].format(outcome=_clean(source.fields.get("text", ""))))
            paragraphs.append(" ".join(parts))
            if source_id not in seen:
                seen.add(source_id)
                queue.append(source_id)
    return "\n\n".join(paragraphs)[:MAX_NARRATIVE_CHARS]


def _narrate(view: BoardView, args: Mapping[str, Any], actor: Actor) -> ActionResult:
    lang = args.get("lang", "it")
    if lang not in SENTENCES:
        raise InvalidOp("lang must be it or en", field="lang")
    replace = args.get("replace", False)
    if not isinstance(replace, bool) or set(args) - {"lang", "replace"}:
        raise InvalidOp("generate_narrative takes {lang, replace}", field="args")
    text = write_narrative(view, lang)
    existing = [it for it in view.of_type("narrative") if it.fields.get("lang") == lang]
    if existing:
        narrative = existing[0]
        if narrative.fields.get("edited") and not replace:
            # Someone rewrote it: their words are not replaced without a yes.
            return ActionResult(result={"needs_confirmation": True, "narrative_id": narrative.id})
        if narrative.fields.get("text") == text:
            return ActionResult(result={"narrative_id": narrative.id, "unchanged": True})
        return ActionResult(
            ops=[{"op": "update", "id": narrative.id, "fields": {"text": text, "generated": text}}],
            result={"narrative_id": narrative.id},
        )
    right = max(
        (float(it.fields["x"]) + float(it.fields["w"]) for it in view.values() if "x" in it.fields),
        default=-200.0,
    )
    narrative_id = new_id("nr")
    op = create(
        narrative_id,
        "narrative",
        text=text,
        generated=text,
        lang=lang,
        x=right + 200.0,
        y=0.0,
        w=640.0,
        h=800.0,
    )
    return ActionResult(ops=[op], result={"narrative_id": narrative_id})


register_action([KIND], Action("generate_narrative", _narrate))
