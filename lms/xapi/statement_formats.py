"""The `format` of returned statements (xAPI 1.0.3, Communication 2.1.3): `exact` as stored,
`ids` with only what identifies each Agent, Group, Activity and Verb, `canonical` with the
LRS's own Activity definitions and one language per language map. Pure."""

from collections.abc import Callable

from lms.xapi.agent_rules import IFIS

Chooser = Callable[[list[str]], str | None]  # picks a language tag (Accept-Language)
LANGUAGE_MAPS = ("name", "description")
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")


def as_ids(statement: dict) -> dict:
    """Agents and Groups keep objectType and their identifier (anonymous groups, their
    members'); Activities their id; Verbs their id."""
    return _rewrite(statement, agent=_agent_ids, activity=_activity_ids, verb=_verb_ids)


def as_canonical(statement: dict, definitions: dict[str, dict], choose: Chooser) -> dict:
    """Activities carry the canonical definition, Verbs their display, each language map
    narrowed to the one language the request prefers (Communication 2.1.3.s4)."""

    def activity(value: dict) -> dict:
        definition = definitions.get(value["id"], value.get("definition"))
        result = {key: item for key, item in value.items() if key != "definition"}
        if definition:
            result["definition"] = _narrow_definition(definition, choose)
        return result

    def verb(value: dict) -> dict:
        if "display" not in value:
            return value
        return {**value, "display": narrow(value["display"], choose)}

    return _rewrite(statement, agent=lambda agent: agent, activity=activity, verb=verb)


def activity_ids(statement: dict) -> set[str]:
    """Every Activity id a statement mentions, to load their canonical definitions."""
    found: set[str] = set()

    def collect(value: dict) -> dict:
        found.add(value["id"])
        return value

    _rewrite(statement, agent=lambda agent: agent, activity=collect, verb=lambda verb: verb)
    return found


def narrow(language_map: dict, choose: Chooser) -> dict:
    """One entry of a language map: the preferred language, else the first."""
    if len(language_map) <= 1:
        return language_map
    tag = choose(list(language_map)) or next(iter(language_map))
    return {tag: language_map[tag]}


def _narrow_definition(definition: dict, choose: Chooser) -> dict:
    result = dict(definition)
    for key in LANGUAGE_MAPS:
        if key in result:
            result[key] = narrow(result[key], choose)
    for key in COMPONENT_LISTS:
        if key in result:
            result[key] = [
                {**item, "description": narrow(item["description"], choose)}
                if "description" in item
                else item
                for item in result[key]
            ]
    return result


def _agent_ids(agent: dict) -> dict:
    result = {key: agent[key] for key in ("objectType", *IFIS) if key in agent}
    if "member" in agent and not any(key in agent for key in IFIS):
        result["member"] = [_agent_ids(member) for member in agent["member"]]
    return result


def _activity_ids(activity: dict) -> dict:
    return {key: activity[key] for key in ("objectType", "id") if key in activity}


def _verb_ids(verb: dict) -> dict:
    return {"id": verb["id"]}


def _rewrite(statement: dict, *, agent, activity, verb) -> dict:
    """A copy with every Agent/Group, Activity and Verb passed through the given functions."""
    result = dict(statement)
    result["actor"] = agent(statement["actor"])
    result["verb"] = verb(statement["verb"])
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        result["object"] = activity(target)
    elif kind in ("Agent", "Group"):
        result["object"] = agent(target)
    elif kind == "SubStatement":
        result["object"] = _rewrite(target, agent=agent, activity=activity, verb=verb)
    if "authority" in statement:
        result["authority"] = agent(statement["authority"])
    if "context" in statement:
        result["context"] = _rewrite_context(statement["context"], agent, activity)
    return result


def _rewrite_context(context: dict, agent, activity) -> dict:
    result = dict(context)
    for key in ("instructor", "team"):
        if key in context:
            result[key] = agent(context[key])
    if "contextActivities" in context:
        result["contextActivities"] = {
            kind: [activity(item) for item in (items if isinstance(items, list) else [items])]
            for kind, items in context["contextActivities"].items()
        }
    return result
