"""Yes, no, and when: answering "blev X godkendt?" and "hvornår blev X godkendt?" from
what the decisions say (`knowledge.outcome`), following a portal case through its bodies
(fagudvalg → Økonomiudvalget → Byrådet) when the search gives its stages.
"""

from __future__ import annotations

from handlers import markup, texts
from knowledge import outcome
from knowledge.bodies import display_name
from knowledge.dates import danish
from knowledge.results import make_hit
from knowledge.search import Hit, Result
from knowledge.text import terms


def body_of(hit: Hit) -> str:
    """The body as people say it ("Byrådet" for "Byråd 2022-2025")."""
    return display_name(hit.body) if hit.body else texts.SOME_BODY



# Two titles name the same subject at two stages of a case when they share this much of
# their words ("Klub Havana - Frigivelse af anlægsmidler til pavilloner" and "Klub Havana -
# frigivelse af anlægsmidler").
SAME_SUBJECT = 0.5


def later_stages(hit: Hit) -> list[Hit]:
    """The same subject's later stages under its case number at other bodies (a portal
    case goes fagudvalg → Økonomiudvalget → Byrådet), oldest first, as hits."""
    stages = hit.stages or []
    position = next((number for number, stage in enumerate(stages) if stage.get("id") == hit.id), None)
    if position is None:
        return []
    wanted = set(terms(hit.title))
    found = []
    for stage in stages[position + 1:]:
        words = set(terms(stage.get("title", "")))
        if stage.get("body") == hit.body or not wanted or len(wanted & words) < SAME_SUBJECT * len(wanted | words):
            continue
        found.append(make_hit({**stage, "case_number": hit.case_number, "source": hit.source}, 0.0))
    return found


def yes_no_lead(hit: Hit, asked: str) -> str:
    """The first line of an answer to "blev X godkendt?": yes, no, or plainly neither, from
    the case's last stage when it went on to other bodies (the earlier ones named after)."""
    path = [hit, *later_stages(hit)]
    lead = _yes_no(path[-1], asked)
    if len(path) > 1:
        before = [texts.STAGE.format(body=body_of(stage), what=texts.OUTCOME_WORDS[outcome.classify(stage.decision or "").kind],
                                     date=danish(stage.date)) for stage in path[:-1]]
        lead += " " + texts.EARLIER_STAGES.format(stages=texts.join_and(before))
    return lead


def _yes_no(hit: Hit, asked: str) -> str:
    found = outcome.classify(hit.decision or "")
    fields = {"body": body_of(hit), "date": danish(hit.date)}
    yes = outcome.answers_yes(asked, found)
    if found.kind == outcome.WITHDRAWN:
        return texts.NO_WITHDRAWN.format(**fields)
    if found.kind == outcome.POSTPONED:
        return texts.NOT_YET.format(**fields)
    if found.kind == outcome.NOTED:
        return texts.ONLY_NOTED.format(**fields)
    if yes is None:
        return texts.NEITHER_YES_NO.format(**fields)
    verb = texts.OUTCOME_VERBS[found.kind]
    sentence = (texts.YES if yes else texts.NO).format(verb=verb, **fields)
    decided_by = " ".join(hit.item.get("afgoeres_af", "").split()).rstrip(".")
    if found.kind == outcome.RECOMMENDED and decided_by:
        sentence += " " + texts.DECIDED_BY.format(who=decided_by)
    return sentence


def same_subject(topic: str, title: str) -> bool:
    """Whether a title names exactly what the question names ("handleplanen for
    digitalisering" is "Handleplan for digitalisering", not "... - Strategiske spor")."""
    wanted = set(terms(topic))
    return bool(wanted) and wanted == set(terms(title))


def when_approved(result: Result) -> tuple[Hit, list[str]]:
    """The item to show for "hvornår blev X godkendt?" and the sentence that answers it."""
    topic = result.question.topic
    open_hits = [hit for hit in result.hits if not hit.closed]
    if not open_hits:
        return result.hits[0], []
    named = [hit for hit in open_hits if same_subject(topic, hit.title)]
    if named:
        pool = named
    else:
        top = open_hits[0]
        pool = [hit for hit in open_hits if top.case_number and hit.case_number == top.case_number] or [top]
    # An approval first, the last body's when the case went on (Byrådet after
    # Økonomiudvalget's recommendation); a recommendation only when nothing approved it.
    for wanted in (outcome.APPROVED, outcome.RECOMMENDED):
        for hit in pool:
            stages = [stage for stage in (hit, *later_stages(hit))
                      if outcome.classify(stage.decision or "").kind == wanted]
            if stages:
                stage = stages[-1]
                verb = texts.PAST_PARTICIPLES[texts.OUTCOME_VERBS[wanted]]
                return hit, [texts.APPROVED_AT.format(verb_past=verb, body=body_of(stage), date=danish(stage.date),
                                                      number=stage.number)]
    for hit in pool:
        for entry in hit.item.get("earlier", ()):
            found = outcome.classify(entry.get("text", ""))
            if found.kind in (outcome.APPROVED, outcome.RECOMMENDED) and entry.get("date"):
                body = display_name(entry.get("body", "")) or body_of(hit)
                verb = texts.PAST_PARTICIPLES[texts.OUTCOME_VERBS[found.kind]]
                return hit, [texts.APPROVED_AT_EARLIER.format(verb_past=verb, body=body, date=danish(entry["date"]))]
    treated = []
    for hit in sorted(pool, key=lambda h: h.date):
        for entry in hit.item.get("earlier", ()):
            if entry.get("date"):
                kind = outcome.classify(entry.get("text", "")).kind
                body = display_name(entry.get("body", "")) or body_of(hit)
                treated.append((entry["date"], texts.TREATED_AS.format(
                    date=danish(entry["date"]), body=body, what=texts.OUTCOME_WORDS[kind])))
        kind = outcome.classify(hit.decision or "").kind
        treated.append((hit.date, texts.TREATED_AS.format(date=danish(hit.date), body=body_of(hit),
                                                          what=texts.OUTCOME_WORDS[kind])))
    treated = [line for _, line in sorted(dict(treated).items())]
    best = max(pool, key=lambda h: h.date)
    sentence = texts.NOT_APPROVED.format(topic=markup.plain(topic), treated=texts.join_and(treated))
    return best, [sentence]
