"""Fixtures and helpers for the badge tests (imported explicitly: others add tests to this
folder): real flows that earn each kind of badge, an LRS client that posts statements,
content with badges of one's own, and a PNG chunk reader that owes nothing to Pillow."""

import base64
import shutil
import struct
import uuid
import zlib
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from lms.coaching.queries import required_skills
from lms.courses.curricula import assign_curricula
from lms.courses.models import Course
from lms.courses.progress import (
    complete_lesson,
    current_questions,
    enroll_self,
    get_enrollment,
    submit_quiz,
    visible_lessons,
)
from lms.crm.profile import activity_type
from lms.database import db
from lms.gamification.models import BadgeAward
from lms.xapi.clients import SCOPE_READ_ALL, SCOPE_WRITE, create_client
from tests.coaching.conftest import complete_required_courses, make_proficient, sign
from tests.conftest import T0

UPDATE = "http://activitystrea.ms/schema/1.0/update"
SCORED = "http://adlnet.gov/expapi/verbs/scored"
QUALITY_TYPE = activity_type("contact")  # Uptake judges the quality of CRM records


def finish_course(person, slug: str, *, now=T0) -> None:
    """Every lesson done and the quiz passed with the right answers, as a learner would."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    enrollment = get_enrollment(person, course) or enroll_self(person, course, now=now)
    for lesson in visible_lessons(course, person):
        complete_lesson(enrollment, lesson, now=now)
    questions = current_questions(course)
    if questions:
        answers = {q.key: [c.key for c in q.choices if c.correct] for q in questions}
        submit_quiz(enrollment, answers, now=now)


def onboard(coach, learner, *, now=T0) -> None:
    """Required courses done, then every required skill signed to step 4 by the coach: the
    last sign-off completes onboarding (the gate runs on each sign-off)."""
    complete_required_courses(learner, now=now)
    for skill in required_skills([learner.job_role_id])[learner.job_role_id]:
        sign(coach, learner, skill.slug, now=now)


def awards(person, key: str | None = None) -> list[BadgeAward]:
    query = select(BadgeAward).where(BadgeAward.user_id == person.id)
    if key:
        query = query.where(BadgeAward.badge_key == key)
    return list(db.session.scalars(query.order_by(BadgeAward.id)))


def keys_of(person) -> set[str]:
    return {award.badge_key for award in awards(person)}


@pytest.fixture
def people(make_user):
    """A proficient manager with two reps, HR, an admin, and a stranger in another team."""
    manager = make_user(name="Mara Manager", job_role="sales_manager")
    other = make_user(name="Otto Other", job_role="sales_manager")
    crew = SimpleNamespace(
        manager=manager,
        rep=make_user(name="Rita Rep", manager=manager),
        rep2=make_user(name="Ravi Rep", manager=manager),
        hr=make_user(name="Hilda HR", job_role="hr_partner", roles={"hr"}),
        admin=make_user(name="Ada Admin", job_role="crm_administrator", roles={"admin"}),
        other=other,
        stranger=make_user(name="Sam Stranger", manager=other),
    )
    assign_curricula(vars(crew).values(), now=T0)
    make_proficient(manager)
    db.session.commit()
    return crew


@pytest.fixture
def lrs(client, app):
    """Post statements as an LRS client (the CRM), with HTTP Basic auth."""
    crm, secret = create_client("CRM", {SCOPE_WRITE, SCOPE_READ_ALL}, now=T0)
    db.session.commit()
    token = base64.b64encode(f"{crm.key}:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}

    def post(statements: list[dict]):
        response = client.post("/xapi/statements", json=statements, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response

    return post


def crm_statement(person, verb: str, when: datetime, *, scaled=None, kind="") -> dict:
    """A statement the CRM might send about a person."""
    target = {"objectType": "Activity", "id": f"https://crm.northwind.example/r/{uuid.uuid4()}"}
    if kind:
        target["definition"] = {"type": kind}
    statement = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "mbox": f"mailto:{person.email}"},
        "verb": {"id": verb},
        "object": target,
        "timestamp": when.isoformat() + "Z",
    }
    if scaled is not None:
        statement["result"] = {"score": {"scaled": scaled}}
    return statement


def updates(person, count: int, start: datetime) -> list[dict]:
    return [crm_statement(person, UPDATE, start + timedelta(minutes=n)) for n in range(count)]


def quality_score(person, when: datetime, scaled: float) -> dict:
    return crm_statement(person, SCORED, when, scaled=scaled, kind=QUALITY_TYPE)


@pytest.fixture
def badge_content(app, tmp_path, monkeypatch):
    """Use the shipped content with badges.yaml replaced by the given text."""

    def use(badges_yaml: str):
        folder = tmp_path / "content"
        shutil.copytree(app.config["CONTENT_DIR"], folder)
        (folder / "gamification" / "badges.yaml").write_text(badges_yaml)
        monkeypatch.setitem(app.config, "CONTENT_DIR", folder)
        return folder

    return use


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of each chunk, CRCs checked — read by hand, not by Pillow."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        chunks.append((kind, body))
        at += 12 + length
    return chunks


def openbadges_itxt(data: bytes) -> list[dict]:
    """Every iTXt chunk with keyword openbadges, split into its fields."""
    found = []
    for kind, body in png_chunks(data):
        if kind != b"iTXt":
            continue
        keyword, rest = body.split(b"\x00", 1)
        flag, method, rest = rest[0], rest[1], rest[2:]
        language, rest = rest.split(b"\x00", 1)
        translated, text = rest.split(b"\x00", 1)
        if keyword == b"openbadges":
            found.append(
                {
                    "compression_flag": flag,
                    "compression_method": method,
                    "language": language,
                    "translated": translated,
                    "text": text.decode("utf-8"),
                }
            )
    return found
