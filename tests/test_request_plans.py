"""No request reads the whole of a table that grows with use, on either database.

The LRS writes and reads, points, tallies, badges, adoption weeks and quality samples that a
batch of CRM statements brings, voiding, documents, and the pages learners, managers and HR
open: every query they run is planned with sequential scans priced out (see
tests/query_plans.py), and none may still need to read a growing table whole. The focused
plan tests (tests/xapi/lrs/test_statements_query.py, tests/gamification/points/
test_ledger_plans.py) say which index each LRS filter and ledger lookup uses; this one
makes sure no query on the way was missed."""

import base64
import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from lms.clock import utcnow
from lms.courses import progress
from lms.courses.models import Course
from lms.gamification.models import Contest
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from tests.adoption.conftest import CREATE, SCORED, UPDATE, VIEWED, crm_statement, voiding
from tests.conftest import T0
from tests.query_plans import full_scans, queries_run

REGISTRATION = "6fa459ea-ee8a-3ca4-894e-db77e160355e"
ACTIVITY = "https://crm.northwind.example/contacts/1"


def crm_batch(people, at) -> list[dict]:
    """What a CRM posts for a working hour: updates, new leads, report views and the quality
    of the records touched."""
    batch = []
    for n, person in enumerate(people):
        batch += [
            crm_statement(person, UPDATE, "contacts/1", at=at),
            crm_statement(person, CREATE, f"leads/{n}", at=at),
            crm_statement(person, VIEWED, "reports/pipeline", at=at),
            crm_statement(person, SCORED, f"contacts/{n}", at=at, score=0.8),
        ]
    batch[0]["context"] = {"registration": REGISTRATION}
    return batch


def lrs_traffic(client, headers, people) -> dict[str, object]:
    """The LRS requests of a day, each a callable run under its name."""
    at = utcnow() - timedelta(hours=2)
    first, later = crm_batch(people, at), crm_batch(people, at + timedelta(minutes=5))
    agent = json.dumps({"mbox": f"mailto:{people[0].email}"})
    state = {"activityId": ACTIVITY, "agent": agent, "stateId": "draft"}
    profile = {"agent": agent, "profileId": "preferences"}

    def get(**params):
        return client.get("/xapi/statements", query_string=params, headers=headers)

    def more():
        token = get(verb=UPDATE, limit="1").json["more"]
        return client.get(token, headers=headers)

    return {
        "POST a batch": lambda: client.post("/xapi/statements", json=first, headers=headers),
        "POST another": lambda: client.post("/xapi/statements", json=later, headers=headers),
        "PUT one": lambda: client.put(
            "/xapi/statements",
            query_string={"statementId": (s := crm_statement(people[1], at=at))["id"]},
            json=s,
            headers=headers,
        ),
        "POST it again": lambda: client.post("/xapi/statements", json=first[:2], headers=headers),
        "void one": lambda: client.post(
            "/xapi/statements", json=voiding(first[1]["id"], at=at), headers=headers
        ),
        "GET verb": lambda: get(verb=UPDATE, limit="10"),
        "GET verb since": lambda: get(verb=UPDATE, since=(at - timedelta(days=30)).isoformat()),
        "GET agent": lambda: get(agent=agent),
        "GET agent related": lambda: get(agent=agent, related_agents="true"),
        "GET activity": lambda: get(activity=ACTIVITY),
        "GET activity related": lambda: get(activity=ACTIVITY, related_activities="true"),
        "GET registration": lambda: get(registration=REGISTRATION),
        "GET until, ascending": lambda: get(until=utcnow().isoformat(), ascending="true"),
        "GET newest": lambda: get(limit="5"),
        "GET more": more,
        "GET statementId": lambda: get(statementId=later[0]["id"]),
        "GET voidedStatementId": lambda: get(voidedStatementId=first[1]["id"]),
        "PUT state": lambda: client.put(
            "/xapi/activities/state", query_string=state, data=b"x", headers=headers
        ),
        "GET state": lambda: client.get(
            "/xapi/activities/state", query_string=state, headers=headers
        ),
        "PUT agent profile": lambda: client.put(
            "/xapi/agents/profile",
            query_string=profile,
            json={"theme": "dark"},
            headers={**headers, "If-None-Match": "*"},
        ),
        "GET activity definition": lambda: client.get(
            "/xapi/activities", query_string={"activityId": ACTIVITY}, headers=headers
        ),
    }


def lrs_headers() -> dict[str, str]:
    client, secret = create_client("CRM", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
    token = base64.b64encode(f"{client.key}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def test_no_request_reads_a_growing_table_whole(app, client, make_user, login, db_session):
    hr = make_user(roles={"admin", "hr"}, division="North")
    manager = make_user(division="North")
    people = [make_user(manager=manager, division="North") for _ in range(3)]
    contest = Contest(
        slug=f"plans-{uuid.uuid4().hex[:6]}",
        title="Most reports",
        metric="count",
        verb_id=VIEWED,
        activity_prefix="https://crm.northwind.example/reports/",
        period="week",
        scope="company",
        status="live",
        created_at=T0,
    )
    db_session.add(contest)
    db_session.flush()
    learner = people[0]
    lesson_course = db_session.scalar(select(Course).where(Course.slug == "crm-update-contacts"))
    progress.enroll_self(learner, lesson_course, now=T0)
    lesson = progress.visible_lessons(lesson_course, learner)[0]
    requests = dict(lrs_traffic(client, lrs_headers(), people))
    pages = {
        learner: [
            "/",
            "/me/points",
            "/leaderboards",
            "/badges",
            "/my/crm-quality",
            "/notifications",
            "/feedback",
            f"/courses/{lesson_course.slug}",
            f"/courses/{lesson_course.slug}/lessons/{lesson.slug}",
        ],
        manager: [
            "/team",
            f"/adoption/team/{manager.id}",
            "/coaching",
            f"/coaching/people/{learner.id}",
            f"/people/{learner.id}/plan",
        ],
        hr: [
            "/adoption",
            "/adoption/governance",
            "/adoption/weekly.csv",
            "/adoption/signals.csv",
            "/incentives",
            "/incentives/audit",
            "/incentives/boards/points-week",
            f"/incentives/contests/{contest.id}/edit",
            f"/people/{learner.id}",
            f"/people/{learner.id}/activity",
            f"/people/{learner.id}/badges",
            "/people",
            "/lrs/outbox",
            "/lrs/clients",
            "/audit",
            "/crm",
        ],
    }
    found: dict[str, list] = {}
    for name, send in requests.items():
        with queries_run() as queries:
            response = send()
        assert response.status_code < 400, (name, response.get_data(as_text=True)[:300])
        found[name] = queries
    for person, paths in pages.items():
        login(person)
        for path in paths:
            with queries_run() as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            found[path] = queries
        client.post("/logout")
    whole_reads = [
        f"{name}: {scan}" for name, queries in found.items() for scan in full_scans(queries)
    ]
    assert whole_reads == [], "\n\n".join(whole_reads)
