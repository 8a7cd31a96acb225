"""`lms demo`: a database, the content and a demo organisation to click through.

Safe to run again: people are matched by e-mail and only new ones get seeded progress."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select
from werkzeug.serving import run_simple

from lms.adoption import actions, signals
from lms.adoption import rules as adoption_rules
from lms.adoption.content import current_adoption
from lms.auth import services as people
from lms.auth.models import Division, User
from lms.clock import utcnow
from lms.coaching.queries import required_skills
from lms.coaching.rules import PRACTICE_STEP
from lms.coaching.services import sign_off_step
from lms.communications.cli import run_pass
from lms.courses import plan, progress
from lms.courses.content.sync import sync_content
from lms.courses.models import Enrollment
from lms.database import db
from lms.demo.crm import seed_crm_activity
from lms.demo.incentives import seed_incentives
from lms.demo.packages import seed_packages
from lms.demo.people import (
    CHAMPIONS,
    COACHING,
    DEMO_ADMIN,
    DEMO_PASSWORD,
    NOTES,
    PEOPLE,
    DemoPerson,
)
from lms.practice import services as practice
from lms.practice.rules import Verdict
from lms.xapi.models import Statement


def seed_coaching(created: list[User], *, now) -> None:
    """Managers coach the new demo people as COACHING says; onboarding completes by itself
    for those signed at step 4 on every skill."""
    for person in created:
        skills_to_coach, last_step = COACHING.get(person.email, (0, 0))
        skills = required_skills([person.job_role_id])[person.job_role_id][:skills_to_coach]
        for number, skill in enumerate(skills):
            for step in range(1, last_step + 1):
                when = now - timedelta(days=4 * (last_step - step) + number + 1)
                how = "one_to_one" if step == 1 else None
                if step == PRACTICE_STEP:
                    _pass_practice(person, skill, when - timedelta(hours=2))
                sign_off_step(
                    person.manager, person, skill, step, how=how, note=NOTES[step], now=when
                )


def _pass_practice(person: User, skill, when) -> None:
    """The person did the skill's practice tasks in the training CRM before their coach
    signed the practice step (the demo has no training CRM: the passes are recorded)."""
    for task in practice.skill_practice(person, skill).still_to_pass:
        attempt = practice.open_task(person, task, now=when - timedelta(minutes=20))
        verdict = Verdict(passed=True, record_name=None, missing=())
        practice.record_verdict(attempt, verdict, now=when)


def seed_demo(*, now) -> list[User]:
    """Create the demo organisation; returns the people created by this run."""
    created = []
    for spec in PEOPLE:
        if people.get_user_by_email(spec.email) is None:
            created.append((spec, _create(spec, now)))
    for division_name, email in CHAMPIONS.items():
        division = db.session.scalar(select(Division).where(Division.name == division_name))
        people.name_champion(division, people.get_user_by_email(email), now=now)
    for spec, person in created:
        _seed_progress(spec, person, now)
    newcomers = [person for _, person in created]
    seed_coaching(newcomers, now=now)
    seed_packages(people.get_user_by_email(DEMO_ADMIN), now=now)
    return newcomers


def _create(spec: DemoPerson, now) -> User:
    details = people.PersonDetails(
        email=spec.email,
        name=spec.name,
        job_role=spec.job_role,
        division=spec.division,
        manager=people.get_user_by_email(spec.manager) if spec.manager else None,
        hire_date=(now - timedelta(days=spec.hired_days_ago)).date(),
        roles=set(spec.roles),
    )
    person = people.create_person(details, now=now)
    people.set_password(person, DEMO_PASSWORD)
    return person


def _seed_progress(spec: DemoPerson, person: User, now) -> None:
    """Work through the person's plan as they would have, in the weeks since their hire."""
    required = [e for e in plan.list_enrollments(person) if e.required]
    when = now - timedelta(days=spec.hired_days_ago) + timedelta(hours=10)
    for enrollment in required[: spec.courses_done]:
        when += timedelta(days=1)
        _finish(enrollment, when)
    following = required[spec.courses_done : spec.courses_done + 1]
    for enrollment in following:
        lessons = progress.visible_lessons(enrollment.course, person)
        count = len(lessons) if spec.fails_next_quiz else spec.lessons_into_next
        for lesson in lessons[:count]:
            progress.complete_lesson(enrollment, lesson, now=when)
        if spec.fails_next_quiz:
            for attempt in range(2):
                progress.submit_quiz(
                    enrollment,
                    _answers(enrollment, right=False),
                    now=when + timedelta(hours=attempt),
                )


QUIZ_TIME = timedelta(minutes=6)  # how long a demo person takes over a quiz


def _finish(enrollment: Enrollment, when) -> None:
    for lesson in progress.visible_lessons(enrollment.course, enrollment.user):
        progress.complete_lesson(enrollment, lesson, now=when)
    if not progress.has_passed(enrollment):
        # Opened, read and answered at a person's pace, as the quiz rules ask.
        progress.open_sitting(enrollment, now=when)
        progress.submit_quiz(enrollment, _answers(enrollment, right=True), now=when + QUIZ_TIME)


def _answers(enrollment: Enrollment, *, right: bool) -> dict[str, list[str]]:
    answers = {}
    for question in progress.current_questions(enrollment.course):
        wanted = [c.key for c in question.choices if c.correct == right]
        answers[question.key] = wanted[:1] if question.type == "single" or not right else wanted
    return answers


def run_weekly_jobs(*, now) -> None:
    """What the services would have done by now: the communication plan sent (in-app), the
    last finished week's adoption signals recorded and acted on. Both are idempotent."""
    run_pass(now)
    content = current_adoption()
    signals.record_signals(now, content)
    actions.take_actions(actions.pending(adoption_rules.last_complete_week(now)), content, now=now)
    db.session.commit()


def use_base_url(port: int) -> None:
    """Links, badge URLs and the LRS endpoint name the port the demo serves on, unless
    BASE_URL is set. Activity IRIs are built from it too, so a database seeded under one
    address is refused under another: its statements would name the same courses twice."""
    config = current_app.config
    if not config["BASE_URL_GIVEN"]:
        config["BASE_URL"] = f"http://127.0.0.1:{port}"
    seeded = seeded_base_url()
    if seeded is not None and seeded != config["BASE_URL"]:
        raise click.ClickException(
            f"This database was seeded for {seeded} (its statements name their activities under"
            f" that address), not {config['BASE_URL']}. Serve it there (--port"
            f" {urlsplit(seeded).port or 80}, or BASE_URL={seeded}), or start afresh: remove"
            f" {db.engine.url.database or 'the database'}."
        )


def seeded_base_url() -> str | None:
    """The address Uptake's first statement was recorded under (its authority's home page)."""
    first = db.session.scalar(
        select(Statement.document).where(Statement.client_id.is_(None)).order_by(Statement.id)
    )
    if first is None:
        return None
    return json.loads(first).get("authority", {}).get("account", {}).get("homePage")


@click.command("demo")
@click.option("--serve/--no-serve", default=True, help="Start the web server afterwards.")
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def demo_command(serve: bool, port: int) -> None:
    """Set up the database, load the content, seed a demo organisation, and serve it."""
    click.echo("Applying migrations…")
    upgrade()
    use_base_url(port)
    click.echo("Loading content…")
    report = sync_content(current_app.config["CONTENT_DIR"], now=utcnow())
    click.echo(f"  {report}")
    created = seed_demo(now=utcnow())
    crm = seed_crm_activity(PEOPLE, now=utcnow())
    seed_incentives(now=utcnow())
    db.session.commit()
    run_weekly_jobs(now=utcnow())
    existing = len(PEOPLE) - len(created)
    click.echo(f"Demo organisation: {len(created)} people created, {existing} already there.")
    click.echo(f"\nLog in with any of these (password: {DEMO_PASSWORD}):")
    for spec in PEOPLE:
        role = ", ".join(sorted(spec.roles)) or (
            "manager" if any(p.manager == spec.email for p in PEOPLE) else "learner"
        )
        click.echo(f"  {spec.email:<36} {spec.name:<16} {role}")
    base_url = current_app.config["BASE_URL"]
    click.echo(
        f"\nThree weeks of the demo CRM's activity came in as a CSV export through the connection"
        f" {crm.name!r}: see {base_url}/crm (as the admin)."
    )
    if serve:
        # The command's own transaction ends here: on SQLite a command's transaction holds the
        # write lock (lms.database), and every request that writes would wait for it in vain.
        db.session.remove()
        click.echo(f"\nServing on http://127.0.0.1:{port}  (Ctrl+C to stop)")
        # app.run() refuses to run inside the flask CLI; werkzeug's server is what it would use.
        run_simple("127.0.0.1", port, current_app._get_current_object(), threaded=True)
