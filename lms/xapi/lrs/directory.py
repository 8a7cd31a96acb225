"""What the Activities and Agents resources return (xAPI 1.0.3, Communication 2.4, 2.5): the
canonical Activity, and the Person object that gathers what Uptake knows about an agent."""

import json

from sqlalchemy import select

from lms.auth.models import User
from lms.database import db
from lms.xapi.models import Activity, Statement, StatementAgent
from lms.xapi.settings import LrsSettings
from lms.xapi.store.people import match_key, uptake_agent, users_by_agent_key

PERSON_PROPERTIES = ("name", "mbox", "mbox_sha1sum", "openid", "account")


def canonical_activity(activity_id: str) -> dict:
    """The Activity with the LRS's canonical definition; an Activity it has never seen is
    still returned, with its id alone (Communication 2.5.s2.b1). An empty definition is left
    out (Data 2.2.s2.b1: no properties whose value is an empty object)."""
    activity = {"objectType": "Activity", "id": activity_id}
    definition = db.session.scalar(
        select(Activity.definition).where(Activity.activity_id == activity_id)
    )
    if definition and (parsed := json.loads(definition)):
        activity["definition"] = parsed
    return activity


def person_object(agent: dict, key: str, *, settings: LrsSettings, reveal: bool) -> dict:
    """The Person for an agent: each property an array (Communication 2.4.s5). It always
    holds the agent asked about (2.4.s3.b3); when `reveal` (a client allowed to read
    everything, 2.4.s3.b1) and the agent is one of Uptake's people, it adds how Uptake itself
    identifies them, by the configured identifier rule, so hashed modes reveal no e-mail."""
    agents = [agent]
    if reveal and (user := find_person(key, settings.base_url)) is not None:
        agents.append(uptake_agent(user, settings))
    person: dict = {"objectType": "Person"}
    for prop in PERSON_PROPERTIES:
        values = [each[prop] for each in agents if prop in each]
        unique = [value for i, value in enumerate(values) if value not in values[:i]]
        if unique:
            person[prop] = unique
    return person


def find_person(key: str, home_page: str) -> User | None:
    """The Uptake person an agent names: the one its statements were linked to, else the one
    its identifier names by the rule statements are linked by (lms.xapi.people)."""
    # The agent's own statements come from its mentions as actor or object (core); of
    # those, only the ones where it is the actor carry its person.
    user_id = db.session.scalar(
        select(Statement.user_id)
        .join(StatementAgent, StatementAgent.statement_pk == Statement.id)
        .where(StatementAgent.agent_key == key, StatementAgent.core.is_(True))
        .where(Statement.actor_key == key, Statement.user_id.is_not(None))
        .limit(1)
    )
    if user_id is None:
        user_id = users_by_agent_key({key}, home_page).get(match_key(key))
    return db.session.get(User, user_id) if user_id is not None else None
