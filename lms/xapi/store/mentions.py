"""Which agents and activities a statement mentions, and how (xAPI 1.0.3, Communication
2.1.3): the plain `agent` and `activity` filters match the "core" ones, related_agents and
related_activities match every one. Pure."""

from lms.xapi.store.identifiers import agent_key


def agent_keys_of(agent: dict) -> list[str]:
    """The keys an agent filter matches an Agent or Group by: its own IFI and, for a Group,
    each member's (a Group with a matching member matches, Communication 2.1.3.s1 table)."""
    keys = []
    own = agent_key(agent)
    if own is not None:
        keys.append(own)
    for member in agent.get("member", ()):
        member_key = agent_key(member)
        if member_key is not None:
            keys.append(member_key)
    return keys


def mentioned_agents(document: dict) -> dict[str, bool]:
    """Agent key -> core: the actor and an Agent or Group object are core; the authority,
    instructor, team, and the same properties of a SubStatement are related only."""
    mentions: dict[str, bool] = {}
    for key in agent_keys_of(document["actor"]):
        mentions[key] = True
    target = document["object"]
    if target.get("objectType") in ("Agent", "Group"):
        for key in agent_keys_of(target):
            mentions[key] = True
    related = [document.get("authority"), *_context_agents(document)]
    if target.get("objectType") == "SubStatement":
        related += [target["actor"], *_context_agents(target)]
        if target["object"].get("objectType") in ("Agent", "Group"):
            related.append(target["object"])
    for agent in related:
        if agent:
            for key in agent_keys_of(agent):
                mentions.setdefault(key, False)
    return mentions


def _context_agents(statement: dict) -> list:
    context = statement.get("context") or {}
    return [context.get("instructor"), context.get("team")]


def mentioned_activities(document: dict) -> dict[str, bool]:
    """Activity id -> core: the object Activity is core; context activities and those of a
    SubStatement are related only."""
    mentions: dict[str, bool] = {}
    target = document["object"]
    if target.get("objectType", "Activity") == "Activity":
        mentions[target["id"]] = True
    for activity in _related_activities(document):
        mentions.setdefault(activity["id"], False)
    return mentions


def _related_activities(document: dict) -> list[dict]:
    found = list(_context_activities(document))
    target = document["object"]
    if target.get("objectType") == "SubStatement":
        if target["object"].get("objectType", "Activity") == "Activity":
            found.append(target["object"])
        found += _context_activities(target)
    return found


def _context_activities(statement: dict) -> list[dict]:
    context = statement.get("context") or {}
    groups = (context.get("contextActivities") or {}).values()
    return [a for group in groups for a in (group if isinstance(group, list) else [group])]


def defined_activities(document: dict) -> list[dict]:
    """Every Activity in the statement that carries a definition, for the canonical store."""
    target = document["object"]
    every = _related_activities(document)
    if target.get("objectType", "Activity") == "Activity":
        every.insert(0, target)
    return [activity for activity in every if activity.get("definition")]
