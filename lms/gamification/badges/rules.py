"""Badge definitions and their criteria, pure: what a badge asks for, as values. Whether a
person meets it is a question for the store (see `criteria.qualifies`); which statements can
make it true is answered here, so a badge is looked at only when something relevant
happens."""

from dataclasses import dataclass

from lms.gamification.rules import Facts, Match, week_start

ICONS = ("star", "check", "shield", "bolt", "trophy", "heart", "rocket", "target")

# Criterion kinds, as written in content/gamification/badges.yaml.
COURSES_COMPLETED = "courses_completed"
ONBOARDING_COMPLETED = "onboarding_completed"
COACHING_FINISHED = "coaching_finished"
STATEMENTS_IN_WEEK = "statements_in_week"
QUALITY_STREAK = "quality_streak"
EARLY_ADOPTER = "early_adopter"
CHAMPION = "champion"
CRITERIA = (
    COURSES_COMPLETED,
    ONBOARDING_COMPLETED,
    COACHING_FINISHED,
    STATEMENTS_IN_WEEK,
    QUALITY_STREAK,
    EARLY_ADOPTER,
    CHAMPION,
)


@dataclass(frozen=True)
class Criterion:
    """One badge's criterion. Only the fields of its kind are set."""

    kind: str
    courses: tuple[str, ...] = ()  # courses_completed
    skills: tuple[str, ...] | None = None  # coaching_finished; None: the role's required ones
    match: Match | None = None  # statements_in_week
    count: int = 0  # statements_in_week
    threshold: float = 0.0  # quality_streak
    weeks: int = 0  # quality_streak
    first: int | None = None  # early_adopter: among the first N
    days_after_go_live: int | None = None  # early_adopter
    days_after_hire: int | None = None  # early_adopter


@dataclass(frozen=True)
class BadgeSpec:
    key: str
    name: str
    description: str
    criteria: str  # the criteria in words, for people and the BadgeClass
    colour: str  # "#rrggbb"
    icon: str
    criterion: Criterion
    image: str | None = None  # a PNG in content/gamification/, instead of a drawn one


@dataclass(frozen=True)
class Iris:
    """The activity IRIs of Uptake's own statements the criteria look for."""

    course: dict[str, str]  # course slug -> IRI
    skill_step4: dict[str, str]  # skill slug -> IRI of its coaching step 4
    onboarding: str
    quality: Match | None  # where data-quality scores come from


VERB_COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
MAX_REASON = 2000
# Who may do what with awards (the roles of lms.auth.rules).
BADGE_OFFICERS = frozenset({"hr", "admin"})


def could_change(badge: BadgeSpec, facts: Facts, iris: Iris) -> bool:
    """Whether this statement can make the person meet the badge's criterion; the others
    are not looked at for it. Champions are named, not stated: never from a statement."""
    criterion = badge.criterion
    completed = facts.verb == VERB_COMPLETED
    match criterion.kind:
        case "courses_completed":
            return completed and facts.object_id in {iris.course[c] for c in criterion.courses}
        case "onboarding_completed" | "early_adopter":
            return completed and facts.object_id == iris.onboarding
        case "coaching_finished":
            return completed and facts.object_id in iris.skill_step4.values()
        case "statements_in_week":
            return criterion.match.matches(facts)
        case "quality_streak":
            return iris.quality is not None and iris.quality.matches(facts)
    return False


def occasion(badge: BadgeSpec, facts: Facts):
    """What a statement is judged in for this badge: its week for the weekly kinds (a batch
    spanning weeks is judged in each), nothing for the rest (one look per person is enough)."""
    if badge.criterion.kind in (STATEMENTS_IN_WEEK, QUALITY_STREAK):
        return week_start(facts.when.date())
    return None


def can_revoke(viewer_roles) -> bool:
    """HR and admins revoke badges."""
    return bool(viewer_roles & BADGE_OFFICERS)


def can_download(viewer_id: int, viewer_roles, holder_id: int) -> bool:
    """The baked badge (it names its holder, hashed) is for its holder, HR and admins."""
    return viewer_id == holder_id or bool(viewer_roles & BADGE_OFFICERS)
