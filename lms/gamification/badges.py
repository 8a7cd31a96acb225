"""Awarding badges: a badge is looked at for a person when a statement that could make its
criterion true is stored (see badge_rules.could_change), and awarded once when the store
says the criterion holds. Services: they flush, never commit."""

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from lms import events
from lms.auth.models import Champion, User
from lms.coaching.queries import required_skills
from lms.courses.models import Skill
from lms.courses.rollout import get_go_live
from lms.database import db
from lms.errors import DomainError, FieldError
from lms.gamification import badge_rules as b
from lms.gamification.facts import client_sources, facts_of
from lms.gamification.models import BadgeAward, QualityTally
from lms.gamification.rules import Facts, Ruleset, week_start
from lms.gamification.ruleset import current_ruleset
from lms.xapi import vocabulary as v
from lms.xapi.models import Statement
from lms.xapi.settings import lrs_settings


def badge_iris(ruleset: Ruleset) -> b.Iris:
    base = lrs_settings().base_url
    courses = {c for badge in ruleset.badges for c in badge.criterion.courses}
    skills = db.session.scalars(select(Skill.slug))
    return b.Iris(
        course={slug: v.course_iri(base, slug) for slug in courses},
        skill_step4={slug: v.coaching_step_iri(base, slug, 4) for slug in skills},
        onboarding=v.onboarding_iri(base),
        quality=ruleset.quality.match if ruleset.quality else None,
    )


def evaluate_badges(earning, ruleset: Ruleset, now: datetime) -> list[BadgeAward]:
    """Award every badge these statements (pk, user_id, facts) complete the criteria of."""
    if not ruleset.badges or not earning:
        return []
    iris = badge_iris(ruleset)
    looks: dict[tuple[int, str], tuple[int, Facts, b.BadgeSpec]] = {}
    for pk, user_id, facts in earning:
        for badge in ruleset.badges:
            if b.could_change(badge, facts, iris):
                looks.setdefault((user_id, badge.key), (pk, facts, badge))
    if not looks:
        return []
    held = _held({user_id for user_id, _ in looks}, {key for _, key in looks})
    awarded = []
    for (user_id, key), (pk, facts, badge) in looks.items():
        if (user_id, key) in held:
            continue
        evidence = qualifies(db.session.get(User, user_id), badge, facts, pk, iris)
        if evidence:
            awarded.append(award_badge(user_id, badge, evidence, pk, now=now))
    return awarded


def _held(user_ids, keys) -> set[tuple[int, str]]:
    """Badges already awarded (revoked ones too: a revoked badge is not earned again)."""
    query = select(BadgeAward.user_id, BadgeAward.badge_key).where(
        BadgeAward.user_id.in_(user_ids), BadgeAward.badge_key.in_(keys)
    )
    return set(db.session.execute(query).all())


def award_badge(user_id: int, badge: b.BadgeSpec, evidence: str, statement_pk, *, now):
    award = BadgeAward(
        user_id=user_id,
        badge_key=badge.key,
        awarded_at=now,
        statement_pk=statement_pk,
        evidence=evidence,
    )
    db.session.add(award)
    db.session.flush()
    events.publish(events.BadgeEarned(award=award, badge=badge, now=now))
    return award


def qualifies(person: User, badge: b.BadgeSpec, facts: Facts, pk: int, iris: b.Iris) -> str:
    """Why the person meets the badge's criterion now, in words; "" when they do not."""
    c = badge.criterion
    match c.kind:
        case b.COURSES_COMPLETED:
            wanted = [iris.course[slug] for slug in c.courses]
            done = _completed(person.id, wanted)
            return "Completed " + ", ".join(c.courses) if done == set(wanted) else ""
        case b.ONBOARDING_COMPLETED:
            return "Completed onboarding" if _completed(person.id, [iris.onboarding]) else ""
        case b.COACHING_FINISHED:
            return _coaching_finished(person, c, iris)
        case b.STATEMENTS_IN_WEEK:
            return _busy_week(person.id, c, facts)
        case b.QUALITY_STREAK:
            return _quality_streak(person.id, c, facts.when.date())
        case b.EARLY_ADOPTER:
            return _early_adopter(person, c, facts, pk, iris)
    return ""


def _completed(user_id: int, iris: list[str]) -> set[str]:
    query = select(Statement.activity_id).where(
        Statement.user_id == user_id,
        Statement.verb_id == b.VERB_COMPLETED,
        Statement.activity_id.in_(iris),
        Statement.voided.is_(False),
    )
    return set(db.session.scalars(query))


def _coaching_finished(person: User, c: b.Criterion, iris: b.Iris) -> str:
    if c.skills is None:
        skills = [s.slug for s in required_skills([person.job_role_id])[person.job_role_id]]
    else:
        skills = list(c.skills)
    wanted = [iris.skill_step4[slug] for slug in skills if slug in iris.skill_step4]
    if not wanted or _completed(person.id, wanted) != set(wanted):
        return ""
    return "Step 4 signed off for " + ", ".join(skills)


def _busy_week(user_id: int, c: b.Criterion, facts: Facts) -> str:
    """Matching statements in the week (Monday to Sunday) of the statement just stored."""

    start = datetime.combine(week_start(facts.when.date()), datetime.min.time())
    query = select(Statement.document, Statement.client_id, Statement.stored).where(
        Statement.user_id == user_id,
        Statement.voided.is_(False),
        Statement.timestamp >= start,
        Statement.timestamp < start + timedelta(days=7),
    )
    if c.match.verbs:
        query = query.where(Statement.verb_id.in_(c.match.verbs))
    rows = db.session.execute(query).all()
    sources = client_sources(row.client_id for row in rows)
    count = sum(
        1
        for row in rows
        if c.match.matches(facts_of(json.loads(row.document), row.client_id, row.stored, sources))
    )
    return f"{count} in the week of {start.date():%d %b %Y}" if count >= c.count else ""


def _quality_streak(user_id: int, c: b.Criterion, day: date) -> str:
    """Weekly averages at or above the threshold for the last `weeks` weeks, this one
    included."""
    starts = [week_start(day) - timedelta(weeks=n) for n in range(c.weeks)]
    query = select(QualityTally.period_start, QualityTally.score_sum, QualityTally.samples).where(
        QualityTally.user_id == user_id,
        QualityTally.period == "week",
        QualityTally.period_start.in_(starts),
    )
    weeks = {start: (total, samples) for start, total, samples in db.session.execute(query)}
    for start in starts:
        total, samples = weeks.get(start, (0, 0))
        if samples <= 0 or total / samples < c.threshold * 10_000:
            return ""
    return f"Weekly data quality of {c.threshold:.0%} or better for {c.weeks} weeks"


def _early_adopter(person: User, c: b.Criterion, facts: Facts, pk: int, iris: b.Iris) -> str:
    if not _completed(person.id, [iris.onboarding]):
        return ""
    completed_on = facts.when.date()
    if c.first is not None:
        before = db.session.scalar(
            select(func.count(func.distinct(Statement.user_id))).where(
                Statement.verb_id == b.VERB_COMPLETED,
                Statement.activity_id == iris.onboarding,
                Statement.voided.is_(False),
                Statement.id < pk,
                Statement.user_id != person.id,
            )
        )
        return f"Number {before + 1} to complete onboarding" if before < c.first else ""
    if c.days_after_hire is not None:
        days = (completed_on - person.hire_date).days
        return f"Onboarded {days} days after joining" if days <= c.days_after_hire else ""
    go_live = get_go_live()
    if go_live is None:
        return ""
    days = (completed_on - go_live).days
    return f"Onboarded {days} days after go-live" if days <= c.days_after_go_live else ""


def award_champion_badges(person: User, *, now: datetime) -> None:
    """Champion badges follow naming, not a statement."""
    for badge in current_ruleset().badges:
        if badge.criterion.kind != b.CHAMPION or (person.id, badge.key) in _held(
            [person.id], [badge.key]
        ):
            continue
        named = db.session.scalar(select(Champion.user_id).where(Champion.user_id == person.id))
        if named is not None:
            award_badge(person.id, badge, "Named CRM champion", None, now=now)


def revoke_badge(award: BadgeAward, reason: str, *, revoked_by, now) -> None:
    """HR revokes an award with a reason; the hosted assertion then answers as revoked."""
    reason = (reason or "").strip()
    if award.revoked_at is not None:
        raise DomainError("This badge was already revoked.")
    if not reason:
        raise FieldError("reason", "Say why the badge is revoked: the person sees the reason.")
    award.revoked_at, award.revoked_by_id = now, revoked_by.id if revoked_by else None
    award.revocation_reason = reason[:2000]
    db.session.flush()
