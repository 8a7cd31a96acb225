"""The verbs, activity types and extensions Uptake's own statements use.

Verbs come from the ADL vocabulary (http://adlnet.gov/expapi/verbs/); activity types from ADL's
activity types. Activity and extension IRIs are built from BASE_URL, so they are stable for
one installation and never collide with another's."""

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
VERB_LAUNCHED = ADL_VERBS + "launched"
VERB_EXPERIENCED = ADL_VERBS + "experienced"
VERB_ATTEMPTED = ADL_VERBS + "attempted"
VERB_ANSWERED = ADL_VERBS + "answered"
VERB_PASSED = ADL_VERBS + "passed"
VERB_FAILED = ADL_VERBS + "failed"
VERB_COMPLETED = ADL_VERBS + "completed"
VERB_REGISTERED = ADL_VERBS + "registered"
VERB_VOIDED = ADL_VERBS + "voided"

ADL_TYPES = "http://adlnet.gov/expapi/activities/"
TYPE_COURSE = ADL_TYPES + "course"
TYPE_LESSON = ADL_TYPES + "lesson"
TYPE_ASSESSMENT = ADL_TYPES + "assessment"
TYPE_INTERACTION = ADL_TYPES + "cmi.interaction"
TYPE_SKILL = ADL_TYPES + "objective"  # a CRM skill a learner is coached in
TYPE_COACHING_STEP = ADL_TYPES + "performance"  # one of its four coaching steps
TYPE_ONBOARDING = ADL_TYPES + "module"  # a person's onboarding: courses and coaching
TYPE_PRACTICE = ADL_TYPES + "simulation"  # a practice task, done in the training CRM
# A CRM record created or changed (Activity Streams verbs, as the CRM-usage profile posts
# them): what makes a person an early adopter when the CRM sends it.
ACTIVITY_STREAMS_VERBS = "http://activitystrea.ms/schema/1.0/"
RECORD_CHANGE_VERBS = (ACTIVITY_STREAMS_VERBS + "update", ACTIVITY_STREAMS_VERBS + "create")

# A quiz outcome's result extensions: which attempt it was (1 for the first) and the scaled
# score of the learner's first attempt, which a points rule may scale its points by. Fixed
# IRIs, not built from BASE_URL: the rules read them, and an assessment another tool sends
# may carry them too.
EXT_ATTEMPT = "https://uptake.dev/xapi/extensions/attempt"
EXT_FIRST_ATTEMPT_SCORE = "https://uptake.dev/xapi/extensions/first-attempt-score"

# Uptake's own verbs, for what the ADL vocabulary has no word for; see `verb_iri`.
UPTAKE_VERB_OVERRODE = "overrode"  # an admin signed a coaching step the rules would refuse
UPTAKE_VERB_REOPENED = "reopened"  # onboarding no longer complete: a requirement was added


def verb_display(verb_id: str) -> dict[str, str]:
    """The English display of an ADL verb: its last path segment."""
    return {"en-US": verb_id.rsplit("/", 1)[-1]}


def course_iri(base_url: str, course_slug: str) -> str:
    return f"{base_url}/xapi/activities/courses/{course_slug}"


def lesson_iri(base_url: str, course_slug: str, lesson_slug: str) -> str:
    return f"{course_iri(base_url, course_slug)}/lessons/{lesson_slug}"


def quiz_iri(base_url: str, course_slug: str) -> str:
    return f"{course_iri(base_url, course_slug)}/quiz"


def question_iri(base_url: str, course_slug: str, question_key: str) -> str:
    return f"{quiz_iri(base_url, course_slug)}/questions/{question_key}"


def practice_iri(base_url: str, course_slug: str, task_slug: str) -> str:
    return f"{course_iri(base_url, course_slug)}/practice/{task_slug}"


def verb_iri(base_url: str, name: str) -> str:
    """One of Uptake's own verbs (UPTAKE_VERB_...), e.g. `overrode`."""
    return f"{base_url}/xapi/verbs/{name}"


def skill_iri(base_url: str, skill_slug: str) -> str:
    return f"{base_url}/xapi/activities/skills/{skill_slug}"


def coaching_step_iri(base_url: str, skill_slug: str, step: int) -> str:
    return f"{skill_iri(base_url, skill_slug)}/coaching/steps/{step}"


def onboarding_iri(base_url: str) -> str:
    return f"{base_url}/xapi/activities/onboarding"


def extension_iri(base_url: str, name: str) -> str:
    """A context or result extension of Uptake's, e.g. `division` or `reason`."""
    return f"{base_url}/xapi/extensions/{name}"


VERB_EARNED = "http://id.tincanapi.com/verb/earned"
TYPE_BADGE = "http://activitystrea.ms/schema/1.0/badge"


def badge_iri(base_url: str, badge_key: str) -> str:
    """A badge (its Open Badges BadgeClass is hosted at this address)."""
    return f"{base_url}/badges/{badge_key}"


# cmi5 (the xAPI profile for launched e-learning units): its verbs beyond ADL's, its
# categories, context and result extensions, and the activity types of a package's blocks and
# course. Fixed IRIs, as the cmi5 specification names them.
VERB_INITIALIZED = ADL_VERBS + "initialized"
VERB_TERMINATED = ADL_VERBS + "terminated"
ADL_W3ID_VERBS = "https://w3id.org/xapi/adl/verbs/"
VERB_ABANDONED = ADL_W3ID_VERBS + "abandoned"
VERB_WAIVED = ADL_W3ID_VERBS + "waived"
VERB_SATISFIED = ADL_W3ID_VERBS + "satisfied"
CMI5 = "https://w3id.org/xapi/cmi5/"
CMI5_CATEGORY = CMI5 + "context/categories/cmi5"
CMI5_CATEGORY_MOVEON = CMI5 + "context/categories/moveon"
CMI5_EXT_SESSION_ID = CMI5 + "context/extensions/sessionid"
CMI5_EXT_MASTERY_SCORE = CMI5 + "context/extensions/masteryscore"
CMI5_EXT_LAUNCH_MODE = CMI5 + "context/extensions/launchmode"
CMI5_EXT_LAUNCH_URL = CMI5 + "context/extensions/launchurl"
CMI5_EXT_MOVE_ON = CMI5 + "context/extensions/moveon"
CMI5_EXT_LAUNCH_PARAMETERS = CMI5 + "context/extensions/launchparameters"
CMI5_EXT_PROGRESS = CMI5 + "result/extensions/progress"
CMI5_EXT_REASON = CMI5 + "result/extensions/reason"
TYPE_CMI5_BLOCK = CMI5 + "activitytype/block"
TYPE_CMI5_COURSE = CMI5 + "activitytype/course"
