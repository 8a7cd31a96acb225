"""The statements a SCORM SCO's commit stands for, after ADL's xAPI SCORM Profile
(https://w3id.org/xapi/scorm): Uptake compares the data model before and after the commit
and says what changed.

Verbs used (all ADL's, as the profile names them):
- initialized: the session's first commit of a new attempt; resumed: the session's first
  commit when the last session had suspended (cmi.core.exit / cmi.exit "suspend").
- responded: each interaction (cmi.interactions.n) new or changed, with its response, its
  success (result correct / incorrect or wrong) and its correct responses. The profile asks
  for `responded`, not `answered`, for SCORM interactions.
- completed: the SCO became complete; passed / failed: its success became known or changed,
  with the scaled score when there is one.
- suspended / terminated: the session's last commit (the one LMSFinish / Terminate makes),
  suspended when the SCO exits meaning to come back; with the SCO's overall result.
Not recorded: `scored` (the score rides on passed / failed and on the session's end) and
`commented` (learner comments stay in the data model).

Which commit opens or closes the session is the session's to say: the commit endpoint stamps
`initialized_at = now` on a session's first commit and `terminated_at = now` on the finishing
one before publishing ScormCommitted. A commit that changes nothing, neither opening nor
closing the session, records nothing.

Every statement's object is the SCO (type lesson); its context holds the enrolment's
registration, the course as parent, the package as grouping and the profile as category."""

import uuid
from urllib.parse import quote

from tincan import Activity, ActivityDefinition, LanguageMap, Result, Score, Statement

from lms.courses.packages.models import SCORM_VERSIONS
from lms.courses.packages.scorm_rules import Outcome, unit_outcome
from lms.xapi import vocabulary as v
from lms.xapi.recording.parts import actor, context, course_activity, iso_timestamp, verb

SCORM_PROFILE = "https://w3id.org/xapi/scorm"
TYPE_PROFILE = "http://adlnet.gov/expapi/activities/profile"
VERB_RESUMED = v.ADL_VERBS + "resumed"
VERB_RESPONDED = v.ADL_VERBS + "responded"
VERB_SUSPENDED = v.ADL_VERBS + "suspended"
SUCCESS_OF_RESULT = {"correct": True, "incorrect": False, "wrong": False}


def scorm_statements(session, before: dict, after: dict, now, settings) -> list[Statement]:
    """What the commit changed, in the order it happened: the session opening, responses,
    completion, pass or fail, and the session's end."""
    opening = session.initialized_at == now
    closing = session.terminated_at == now
    if before == after and not opening and not closing:
        return []
    unit = session.progress.unit
    version = SCORM_VERSIONS[unit.package.standard]
    was, now_is = unit_outcome(version, before), unit_outcome(version, after)
    say = _Teller(session, now, settings)
    statements = []
    if opening:
        statements.append(say(VERB_RESUMED if was.suspended else v.VERB_INITIALIZED))
    statements.extend(say.responded(entry) for entry in _new_interactions(before, after))
    if now_is.completed and not was.completed:
        statements.append(say(v.VERB_COMPLETED, Result(completion=True)))
    if now_is.passed is not None and now_is.passed != was.passed:
        outcome = v.VERB_PASSED if now_is.passed else v.VERB_FAILED
        statements.append(say(outcome, _overall_result(now_is)))
    if closing:
        ending = VERB_SUSPENDED if now_is.suspended else v.VERB_TERMINATED
        statements.append(say(ending, _overall_result(now_is)))
    return statements


def _new_interactions(before: dict, after: dict) -> list[dict]:
    """Interactions added or changed by the commit that carry a response or a result."""
    earlier = _interactions(before)
    return [
        entry
        for index, entry in sorted(_interactions(after).items(), key=lambda item: int(item[0]))
        if entry != earlier.get(index)
        and entry.get("id")
        and (_response(entry) or entry.get("result"))
    ]


def _interactions(data: dict) -> dict:
    return ((data or {}).get("cmi") or {}).get("interactions") or {}


def _response(entry: dict) -> str:
    return entry.get("learner_response") or entry.get("student_response") or ""


def _overall_result(outcome: Outcome) -> Result | None:
    """The SCO's overall result as the profile states it: success when known, completion,
    and the scaled score when there is one."""
    score = Score(scaled=outcome.score_scaled) if outcome.score_scaled is not None else None
    return Result(success=outcome.passed, completion=outcome.completed, score=score)


class _Teller:
    """Builds one session's statements: the same actor, SCO and context for each."""

    def __init__(self, session, now, settings):
        progress = session.progress
        self.enrollment, self.unit = progress.enrollment, progress.unit
        self.now, self.settings = now, settings
        self.sco = Activity(
            id=self.unit.activity_id,
            definition=ActivityDefinition(
                type=v.TYPE_LESSON, name=LanguageMap({"en-US": self.unit.title})
            ),
        )

    def __call__(self, verb_id: str, result: Result | None = None) -> Statement:
        course = course_activity(self.enrollment.course, self.settings)
        return self._statement(verb_id, self.sco, result, parent=[course])

    def responded(self, entry: dict) -> Statement:
        """One interaction: its IRI is the SCO's with /interaction/<id>, as the profile
        recommends; the SCO is its parent."""
        definition = ActivityDefinition(type=v.TYPE_INTERACTION)
        if entry.get("type"):
            definition.interaction_type = entry["type"]
            patterns = [c["pattern"] for c in (entry.get("correct_responses") or {}).values() if c]
            if patterns:
                definition.correct_responses_pattern = patterns
        if entry.get("description"):
            definition.description = LanguageMap({"en-US": entry["description"]})
        interaction = Activity(
            id=f"{self.unit.activity_id}/interaction/{quote(entry['id'], safe='')}",
            definition=definition,
        )
        result = Result(
            response=_response(entry) or None,
            success=SUCCESS_OF_RESULT.get(entry.get("result", "")),
        )
        course = course_activity(self.enrollment.course, self.settings)
        return self._statement(VERB_RESPONDED, interaction, result, parent=[self.sco, course])

    def _statement(self, verb_id, activity, result, *, parent) -> Statement:
        package = self.unit.package
        return Statement(
            id=str(uuid.uuid4()),
            actor=actor(self.enrollment.user, self.settings),
            verb=verb(verb_id),
            object=activity,
            result=result,
            context=context(
                self.enrollment,
                self.settings,
                parent=parent,
                grouping=[
                    Activity(
                        id=package.activity_id,
                        definition=ActivityDefinition(
                            type=v.TYPE_COURSE,
                            name=LanguageMap({"en-US": self.enrollment.course.title}),
                        ),
                    )
                ],
                category=[
                    Activity(id=SCORM_PROFILE, definition=ActivityDefinition(type=TYPE_PROFILE))
                ],
            ),
            timestamp=iso_timestamp(self.now),
        )
