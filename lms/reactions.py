"""What follows each domain event, top to bottom: the one place to read it.

A service makes its change and publishes an event (`lms.events.publish`); `react` then
records the xAPI statements the event stands for, applies the points, badges and levels they
earn, and runs whatever else follows — curricula, the onboarding gate, adoption counts, the
notifications of what people achieved — in the same transaction. This is the only module
that reaches into other domains' services for what follows an event (an import-linter
contract in pyproject.toml holds it to that).
"""

from lms.adoption import aggregates as adoption_weeks
from lms.coaching import gate as onboarding_gate
from lms.communications import milestones as notifications
from lms.courses import curricula
from lms.events import (
    BadgesEarned,
    ChampionNamed,
    CoachingSignOffWithdrawn,
    CoachingStepSignedOff,
    ContentSynced,
    CourseCompleted,
    CoursesAssigned,
    JobRolesChanged,
    LevelsReached,
    OnboardingCompleted,
    PeopleJoined,
    RemedialAssigned,
    RewardGranted,
    StatementsArchived,
    StatementsReceived,
)
from lms.gamification import retention as gamification_retention
from lms.gamification.badges import awards as badges
from lms.gamification.points import engine
from lms.xapi.recording import record as learning_record


def react(event) -> None:
    """Run what follows an event, top to bottom, in the transaction of the service that
    published it: if any of it fails, none of it (nor the change that caused it) commits."""
    stored = learning_record.record(event)  # 1. the xAPI statements the event stands for
    engine.apply(stored, now=event.now)  # 2. the points, badges and levels they earn
    match event:  # 3. what else follows
        case StatementsReceived(fresh, now):
            engine.apply(list(fresh), now=now)
            adoption_weeks.apply(fresh)  # weekly CRM use, for the adoption measures
        case StatementsArchived(statement_pks, _now):
            gamification_retention.unlink(statement_pks)  # points and samples stay
        case ChampionNamed(_division, person, now):
            badges.award_champion_badges(person, now=now)
        case PeopleJoined(people, now):
            curricula.assign_curricula(people, now=now)
            learning_record.link_earlier_statements(people)
            engine.apply_to_linked(people, now=now)
            adoption_weeks.apply_to_linked(people)
        case JobRolesChanged(people, now):
            curricula.assign_curricula(people, now=now)
            onboarding_gate.evaluate_onboarding(people, now=now)  # a new role may reopen it
        case ContentSynced(now):
            onboarding_gate.evaluate_everyone(now=now)
        case CoursesAssigned(people, _course, _registered, now):
            onboarding_gate.evaluate_onboarding(people, now=now)
        case CourseCompleted(enrollment, now):
            notifications.close_training_reminders(enrollment, now=now)  # due soon: done
            onboarding_gate.evaluate_onboarding([enrollment.user], now=now)
        case RemedialAssigned(enrollment, _, now):
            onboarding_gate.evaluate_onboarding([enrollment.user], now=now)
        case CoachingStepSignedOff(sign_off, now) | CoachingSignOffWithdrawn(sign_off, _, now):
            onboarding_gate.evaluate_onboarding([sign_off.learner], now=now)
        case BadgesEarned(awards, now):
            notifications.notify_badges_earned(awards, now=now)  # one insert for the batch
        case LevelsReached(reached, now):
            notifications.notify_levels_reached(reached, now=now)
        case OnboardingCompleted(completion, now):
            notifications.notify_onboarding_complete(completion, now=now)  # and the manager
        case RewardGranted(grant, board, now):
            notifications.notify_reward_granted(grant, board, now=now)
