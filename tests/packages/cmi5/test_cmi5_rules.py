"""The cmi5 runtime rules, with no app: the launch, the documents an AU reads, satisfaction,
and every rule on what an AU may send (each allowed and refused, as CATAPULT's AUs try)."""

import copy
import json
from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.courses.packages import cmi5_rules as r
from lms.courses.packages.cmi5_rules import Cmi5Violation, SessionFacts, check_au_statements
from lms.courses.packages.structure import BlockSpec, PackageSpec, UnitSpec
from lms.xapi import vocabulary as v

ACTOR = {"objectType": "Agent", "account": {"homePage": "https://lms.test", "name": "uptake-7"}}
REGISTRATION = "760e3480-ba55-4991-94b0-01820dbd23a2"
AU_ID = "https://lms.test/xapi/activities/units/1"
PUBLISHER = "https://example.com/course/au/1"
SESSION = "0f4a3a3e-4b6e-4b8e-9f0e-2a4d8d7f0c11"
FACTS = SessionFacts(
    actor=ACTOR,
    registration=REGISTRATION,
    activity_id=AU_ID,
    unit_publisher_id=PUBLISHER,
    session_id=SESSION,
    launch_mode="Normal",
    mastery_score=0.9,
    move_on="CompletedAndPassed",
)
STARTED = replace(FACTS, initialized=True)


# Launch ---------------------------------------------------------------------------------


def test_the_launch_url_appends_the_five_parameters_to_the_units_own():
    url = r.launch_url(
        "https://cdn.test/au/index.html?paramA=1&paramB=2",
        endpoint="https://lms.test/xapi/",
        fetch="https://lms.test/cmi5/fetch/tok?k=1",
        actor=ACTOR,
        registration=REGISTRATION,
        activity_id=AU_ID,
    )
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "cdn.test", "/au/index.html")
    assert parts.query.startswith("paramA=1&paramB=2&endpoint=https%3A%2F%2Flms.test%2Fxapi%2F&")
    params = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert params == {
        "paramA": "1",
        "paramB": "2",
        "endpoint": "https://lms.test/xapi/",
        "fetch": "https://lms.test/cmi5/fetch/tok?k=1",
        "actor": json.dumps(ACTOR, separators=(",", ":")),
        "registration": REGISTRATION,
        "activityId": AU_ID,
    }
    assert json.loads(params["actor"]) == ACTOR
    assert "+" not in parts.query and " " not in parts.query


def test_a_unit_url_without_a_query_gets_one():
    url = r.launch_url(
        "https://cdn.test/au.html",
        endpoint="e",
        fetch="f",
        actor={},
        registration="g",
        activity_id="h",
    )
    assert (
        url
        == "https://cdn.test/au.html?endpoint=e&fetch=f&actor=%7B%7D&registration=g&activityId=h"
    )


def test_a_unit_url_with_a_launch_parameter_of_its_own_is_refused():
    with pytest.raises(ValueError, match="already has the launch parameter fetch"):
        r.launch_url(
            "https://cdn.test/au.html?fetch=1",
            endpoint="e",
            fetch="f",
            actor={},
            registration="g",
            activity_id="h",
        )


def test_the_launch_url_extension_drops_only_the_launch_parameters():
    url = r.launch_url(
        "https://cdn.test/au.html?paramA=1",
        endpoint="e",
        fetch="f",
        actor=ACTOR,
        registration="g",
        activity_id="h",
    )
    assert r.without_launch_parameters(url) == "https://cdn.test/au.html?paramA=1"


def test_launch_data_has_what_the_spec_requires_and_the_optional_values_given():
    data = r.launch_data(
        session_id=SESSION,
        course_publisher_id="https://example.com/course",
        unit_publisher_id=PUBLISHER,
        launch_mode="Normal",
        launch_method="OwnWindow",
        move_on="Passed",
        mastery_score=0.8,
        return_url="https://lms.test/courses/x",
        launch_parameters="lang=fr",
        entitlement_key="xyz-123",
    )
    assert data == {
        "contextTemplate": {
            "contextActivities": {
                "grouping": [
                    {"id": PUBLISHER, "objectType": "Activity"},
                    {"id": "https://example.com/course", "objectType": "Activity"},
                ]
            },
            "extensions": {v.CMI5_EXT_SESSION_ID: SESSION},
        },
        "launchMode": "Normal",
        "launchMethod": "OwnWindow",
        "moveOn": "Passed",
        "masteryScore": 0.8,
        "launchParameters": "lang=fr",
        "returnURL": "https://lms.test/courses/x",
        "entitlementKey": {"courseStructure": "xyz-123"},
    }


def test_launch_data_leaves_out_absent_optional_values():
    data = r.launch_data(
        session_id=SESSION,
        course_publisher_id=PUBLISHER,
        unit_publisher_id=PUBLISHER,
        launch_mode="Review",
        launch_method="AnyWindow",
        move_on="NotApplicable",
        mastery_score=None,
        return_url=None,
        launch_parameters=None,
        entitlement_key=None,
    )
    assert data == {
        "contextTemplate": {
            "contextActivities": {"grouping": [{"id": PUBLISHER, "objectType": "Activity"}]},
            "extensions": {v.CMI5_EXT_SESSION_ID: SESSION},
        },
        "launchMode": "Review",
        "launchMethod": "AnyWindow",
        "moveOn": "NotApplicable",
    }


def test_learner_preferences():
    assert r.learner_preferences("es") == {"languagePreference": "es", "audioPreference": "on"}
    assert r.learner_preferences(None) == {
        "languagePreference": "en-US",
        "audioPreference": "on",
    }
    assert r.learner_preferences("pt_BR")["languagePreference"] == "pt-BR"


# Satisfaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("move_on", "completed", "passed", "expected"),
    [
        ("Completed", True, False, True),
        ("Completed", False, True, False),
        ("Passed", False, True, True),
        ("Passed", True, False, False),
        ("CompletedAndPassed", True, False, False),
        ("CompletedAndPassed", False, True, False),
        ("CompletedAndPassed", True, True, True),
        ("CompletedOrPassed", True, False, True),
        ("CompletedOrPassed", False, True, True),
        ("CompletedOrPassed", False, False, False),
        ("NotApplicable", False, False, True),
    ],
)
def test_unit_satisfied_by_move_on(move_on, completed, passed, expected):
    assert r.unit_satisfied(move_on, completed=completed, passed=passed, waived=False) is expected


def test_a_waived_unit_is_satisfied_whatever_its_move_on():
    assert r.unit_satisfied("Passed", completed=False, passed=False, waived=True) is True


def _unit(name):
    return UnitSpec(publisher_id=name, title=name, url=f"{name}.html", move_on="Completed")


SPEC = PackageSpec(
    standard="cmi5",
    publisher_id="course",
    title="Course",
    children=(
        BlockSpec(
            publisher_id="outer",
            title="Outer",
            children=(
                _unit("a"),
                BlockSpec(publisher_id="inner", title="Inner", children=(_unit("b"),)),
            ),
        ),
        BlockSpec(publisher_id="other", title="Other", children=(_unit("c"),)),
        _unit("d"),
    ),
)


def test_blocks_newly_satisfied_inner_before_outer():
    assert r.newly_satisfied(SPEC, {"a", "b"}, set(), False) == (("inner", "outer"), False)
    assert r.newly_satisfied(SPEC, {"b"}, set(), False) == (("inner",), False)
    assert r.newly_satisfied(SPEC, {"a", "b"}, {"inner"}, False) == (("outer",), False)


def test_the_course_is_satisfied_when_all_its_children_are():
    everything = {"a", "b", "c", "d"}
    assert r.newly_satisfied(SPEC, everything, {"inner", "outer"}, False) == (("other",), True)
    assert r.newly_satisfied(SPEC, everything, {"inner", "outer", "other"}, True) == ((), False)
    assert r.newly_satisfied(SPEC, {"a", "b", "c"}, set(), False) == (
        ("inner", "outer", "other"),
        False,
    )


def test_block_activity_ids_are_the_lms_own_and_stable():
    first = r.block_activity_id("https://lms.test/xapi/activities/packages/1", "urn:block:1")
    assert first == (
        "https://lms.test/xapi/activities/packages/1/blocks/"
        "a56412efb23827e99dd64ecd2d2f55b6d116b13f"
    )
    course = "https://lms.test/xapi/activities/packages/1"
    assert first == r.block_activity_id(course, "urn:block:1")
    assert first != r.block_activity_id(course, "urn:block:2")


# What an AU may send ------------------------------------------------------------------------


def au_statement(verb, *, defined=True, moveon=None, result=None, **changes) -> dict:
    """A statement as a well-behaved AU sends it: the context template, the registration,
    the cmi5 category (defined) and the moveOn category on completed, passed and failed."""
    categories = []
    if defined:
        categories.append({"id": v.CMI5_CATEGORY})
    if moveon if moveon is not None else verb in r.JUDGED and defined:
        categories.append({"id": v.CMI5_CATEGORY_MOVEON})
    context = {
        "registration": REGISTRATION,
        "contextActivities": {"grouping": [{"id": PUBLISHER}], "category": categories},
        "extensions": {v.CMI5_EXT_SESSION_ID: SESSION},
    }
    statement = {
        "id": "6f1e1b7e-3b0e-4d0a-9a4c-1f2e3d4c5b6a",
        "timestamp": "2026-11-02T09:00:00.000Z",
        "actor": copy.deepcopy(ACTOR),
        "verb": {"id": verb},
        "object": {"id": AU_ID if defined else "https://example.com/page/2"},
        "context": context,
    }
    if result is not None:
        statement["result"] = result
    statement.update(changes)
    return statement


INITIALIZED = au_statement(v.VERB_INITIALIZED)
COMPLETED = au_statement(v.VERB_COMPLETED, result={"completion": True, "duration": "PT1M"})
PASSED = au_statement(v.VERB_PASSED, result={"success": True, "duration": "PT1M"})
FAILED = au_statement(v.VERB_FAILED, result={"success": False, "duration": "PT1M"})
TERMINATED = au_statement(v.VERB_TERMINATED, result={"duration": "PT2M"})
ALLOWED = au_statement(v.VERB_EXPERIENCED, defined=False)


def refused(statements, facts=STARTED) -> str:
    with pytest.raises(Cmi5Violation) as caught:
        check_au_statements(statements, facts)
    return str(caught.value)


def altered(statement, change) -> dict:
    statement = copy.deepcopy(statement)
    change(statement)
    return statement


def test_a_whole_session_is_allowed_and_its_facts_follow():
    after = check_au_statements([INITIALIZED, ALLOWED, PASSED, COMPLETED, TERMINATED], FACTS)
    assert after == replace(FACTS, initialized=True, completed=True, passed=True, terminated=True)


def test_the_first_statement_must_be_initialized():
    assert refused([ALLOWED], FACTS) == (
        "statements[0]: the first statement of a session must be a cmi5 initialized"
        " statement (7.1.1)"
    )
    assert "statements[0]: the first statement" in refused([COMPLETED], FACTS)
    # an initialized verb without the cmi5 category is an allowed statement, not the start
    assert "(7.1.1)" in refused([au_statement(v.VERB_INITIALIZED, defined=False)], FACTS)


def test_a_second_initialized_is_refused():
    assert refused([INITIALIZED, INITIALIZED], FACTS) == (
        "statements[1]: the session is initialized already (9.3.2)"
    )
    assert refused([INITIALIZED]) == "statements[0]: the session is initialized already (9.3.2)"


def test_nothing_follows_terminated():
    message = "statements[1]: the session is terminated: nothing may follow terminated (9.3.8)"
    assert refused([TERMINATED, ALLOWED]) == message
    assert refused([TERMINATED, TERMINATED]) == message
    assert "statements[0]: the session is terminated" in refused(
        [ALLOWED], replace(STARTED, terminated=True)
    )


def test_allowed_statements_come_between_initialized_and_terminated():
    assert check_au_statements([ALLOWED, ALLOWED], STARTED) == STARTED


def test_voiding_is_refused():
    voiding = au_statement(
        v.VERB_VOIDED, defined=False, object={"objectType": "StatementRef", "id": "x"}
    )
    assert refused([voiding]) == "statements[0]: an AU may not void statements (6.3)"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.pop("id"), "the AU must give every statement an id (9.1)"),
        (lambda s: s.pop("timestamp"), "the statement needs a timestamp (9.7)"),
        (
            lambda s: s.update(timestamp="2026-11-02T09:00:00.000-06:00"),
            "the timestamp must be in UTC (9.7)",
        ),
        (
            lambda s: s["actor"].update(objectType="Group"),
            "the actor must be the Agent the AU was launched with (8.1.3, 9.2)",
        ),
        (
            lambda s: s.update(actor={"mbox": "mailto:catapult@example.com"}),
            "the actor must be the Agent the AU was launched with (8.1.3, 9.2)",
        ),
        (
            lambda s: s["actor"]["account"].update(name="uptake-8"),
            "the actor must be the Agent the AU was launched with (8.1.3, 9.2)",
        ),
        (lambda s: s.pop("context"), "the statement needs a context (9.6)"),
        (
            lambda s: s["context"].pop("registration"),
            "context.registration must be the launch's registration (9.6.1)",
        ),
        (
            lambda s: s["context"].update(registration="ccaf384c-f8d4-4e7a-8304-49af58f0b176"),
            "context.registration must be the launch's registration (9.6.1)",
        ),
        (
            lambda s: s["context"]["extensions"].pop(v.CMI5_EXT_SESSION_ID),
            "the context must carry the session id extension of the launch (9.6.3.1)",
        ),
        (
            lambda s: s["context"]["extensions"].update({v.CMI5_EXT_SESSION_ID: "other"}),
            "the context must carry the session id extension of the launch (9.6.3.1)",
        ),
        (
            lambda s: s["context"]["contextActivities"].update(grouping=[]),
            "contextActivities.grouping must hold the AU's publisher id activity (9.6.2.3)",
        ),
    ],
)
def test_every_statement_carries_the_launch_context(change, message):
    for statement in (ALLOWED, PASSED):
        assert refused([altered(statement, change)]) == f"statements[0]: {message}"


def test_the_actor_may_leave_out_its_object_type():
    without_type = altered(ALLOWED, lambda s: s["actor"].pop("objectType"))
    assert check_au_statements([without_type], STARTED) == STARTED


def test_utc_timestamps_in_any_spelling_are_allowed():
    for suffix in ("+00:00", "+0000", "+00"):
        statement = {**ALLOWED, "timestamp": "2026-11-02T09:00:00" + suffix}
        assert check_au_statements([statement], STARTED) == STARTED


@pytest.mark.parametrize(
    "verb", [v.VERB_LAUNCHED, v.VERB_ABANDONED, v.VERB_WAIVED, v.VERB_SATISFIED]
)
def test_lms_verbs_from_an_au_are_refused(verb):
    for defined in (True, False):
        name = verb.rsplit("/", 1)[-1]
        assert refused([au_statement(verb, defined=defined)]) == (
            f"statements[0]: {name} is the LMS's to send, not the AU's (9.3)"
        )


def test_a_defined_statement_with_another_verb_is_refused():
    statement = au_statement(v.VERB_EXPERIENCED)
    assert refused([statement]) == (
        "statements[0]: experienced is not a cmi5 defined verb an AU may send (9.3)"
    )


def test_a_defined_statement_is_about_the_launched_au():
    statement = altered(PASSED, lambda s: s["object"].update(id="http://example.com/not/lms"))
    assert refused([statement]) == (
        "statements[0]: the object of a cmi5 defined statement must be the launch's"
        " activityId (9.4)"
    )


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        (
            au_statement(v.VERB_EXPERIENCED, defined=False, moveon=True),
            "only cmi5 completed, passed and failed carry the moveOn category (9.6.2.2)",
        ),
        (
            au_statement(v.VERB_TERMINATED, moveon=True, result={"duration": "PT1S"}),
            "only cmi5 completed, passed and failed carry the moveOn category (9.6.2.2)",
        ),
        (
            au_statement(v.VERB_COMPLETED, moveon=False, result=COMPLETED["result"]),
            "completed needs the moveOn category activity (9.6.2.2)",
        ),
        (
            au_statement(v.VERB_PASSED, moveon=False, result=PASSED["result"]),
            "passed needs the moveOn category activity (9.6.2.2)",
        ),
        (
            au_statement(v.VERB_FAILED, moveon=False, result=FAILED["result"]),
            "failed needs the moveOn category activity (9.6.2.2)",
        ),
    ],
)
def test_the_move_on_category(statement, message):
    assert refused([statement]) == f"statements[0]: {message}"


def drop(key):
    return lambda s: s["result"].pop(key)


def put(**values):
    return lambda s: s["result"].update(values)


@pytest.mark.parametrize(
    ("statement", "change", "message"),
    [
        (PASSED, put(completion=True), "passed may not carry result.completion (9.5.3)"),
        (COMPLETED, put(success=True), "completed may not carry result.success (9.5.2)"),
        (COMPLETED, drop("completion"), "completed needs result.completion true (9.5.3)"),
        (COMPLETED, put(completion=False), "completed needs result.completion true (9.5.3)"),
        (COMPLETED, lambda s: s.pop("result"), "completed needs result.completion true (9.5.3)"),
        (PASSED, drop("success"), "passed needs result.success true (9.5.2)"),
        (PASSED, put(success=False), "passed needs result.success true (9.5.2)"),
        (FAILED, drop("success"), "failed needs result.success false (9.5.2)"),
        (FAILED, put(success=True), "failed needs result.success false (9.5.2)"),
        (TERMINATED, lambda s: s.pop("result"), "terminated needs result.duration (9.5.4.1)"),
        (TERMINATED, drop("duration"), "terminated needs result.duration (9.5.4.1)"),
        (COMPLETED, drop("duration"), "completed needs result.duration (9.5.4.1)"),
        (PASSED, drop("duration"), "passed needs result.duration (9.5.4.1)"),
        (FAILED, drop("duration"), "failed needs result.duration (9.5.4.1)"),
        (
            COMPLETED,
            put(score={"scaled": 0.5}),
            "completed may not carry a score: only passed and failed do (9.5.1)",
        ),
        (
            TERMINATED,
            put(extensions={v.CMI5_EXT_PROGRESS: 101}),
            "the progress extension must be a whole number from 0 to 100 (9.5.5.1)",
        ),
    ],
)
def test_result_properties_by_verb(statement, change, message):
    assert refused([altered(statement, change)]) == f"statements[0]: {message}"


def test_initialized_may_carry_a_duration_and_none_is_needed():
    with_duration = altered(INITIALIZED, lambda s: s.update(result={"duration": "PT0S"}))
    assert check_au_statements([with_duration], FACTS).initialized is True


def test_progress_in_range_is_allowed():
    statement = {**ALLOWED, "result": {"extensions": {v.CMI5_EXT_PROGRESS: 40}}}
    assert check_au_statements([statement], STARTED) == STARTED


def scored(statement, score, mastery=0.9) -> dict:
    def change(s):
        s["result"]["score"] = score
        if mastery is not None:
            s["context"]["extensions"][v.CMI5_EXT_MASTERY_SCORE] = mastery

    return altered(statement, change)


def test_scores_against_the_mastery_score():
    full = {"scaled": 0.9, "raw": 90, "min": 0, "max": 100}
    assert check_au_statements([scored(PASSED, full)], STARTED).passed is True
    low = {"scaled": 0.89, "raw": 89, "min": 0, "max": 100}
    assert check_au_statements([scored(FAILED, low)], STARTED).failed is True
    assert refused([scored(PASSED, {"scaled": 0.89})]) == (
        "statements[0]: passed with a scaled score 0.89 below the mastery score 0.9 (9.3.4)"
    )
    for scaled in (0.9, 0.91):
        assert refused([scored(FAILED, {"scaled": scaled})]) == (
            f"statements[0]: failed with a scaled score {scaled} not below the mastery"
            " score 0.9 (9.3.5)"
        )


def test_a_raw_score_needs_min_and_max():
    for missing in ("min", "max"):
        score = {"scaled": 0.9, "raw": 90, "min": 0, "max": 100}
        score.pop(missing)
        assert refused([scored(PASSED, score)]) == (
            "statements[0]: a raw score needs min and max (9.5.1)"
        )


def test_a_judged_score_carries_the_mastery_score_given():
    message = "statements[0]: a judged score needs the masteryScore extension, 0.9 (9.6.3.2)"
    assert refused([scored(PASSED, {"scaled": 0.95}, mastery=None)]) == message
    assert refused([scored(PASSED, {"scaled": 0.95}, mastery=0.8)]) == message
    # Without a mastery score in the launch data, a score is the AU's own judgement.
    no_mastery = replace(STARTED, mastery_score=None)
    assert check_au_statements([scored(PASSED, {"scaled": 0.1}, mastery=None)], no_mastery).passed


def test_passed_without_a_score_is_allowed_with_a_mastery_score():
    assert check_au_statements([PASSED], STARTED).passed is True


@pytest.mark.parametrize("mode", ["Browse", "Review"])
def test_only_normal_mode_records_satisfaction(mode):
    facts = replace(STARTED, launch_mode=mode)
    for statement in (COMPLETED, PASSED, FAILED):
        name = statement["verb"]["id"].rsplit("/", 1)[-1]
        assert refused([statement], facts) == (
            f"statements[0]: {name} may not be sent in {mode} mode, only Normal (10.2.2)"
        )
    assert check_au_statements([ALLOWED, TERMINATED], facts).terminated is True


def test_completed_once_per_registration():
    assert refused([COMPLETED, COMPLETED]) == (
        "statements[1]: completed was sent already in this registration (9.3.3)"
    )
    assert refused([COMPLETED], replace(STARTED, completed=True)) == (
        "statements[0]: completed was sent already in this registration (9.3.3)"
    )


def test_passed_once_per_registration_and_failed_never_after_it():
    assert refused([PASSED, PASSED]) == (
        "statements[1]: passed was sent already in this registration (9.3.4)"
    )
    assert refused([PASSED], replace(STARTED, passed=True)) == (
        "statements[0]: passed was sent already in this registration (9.3.4)"
    )
    assert refused([PASSED, FAILED]) == (
        "statements[1]: failed may not follow passed in a registration (9.3)"
    )
    assert refused([FAILED], replace(STARTED, passed=True)) == (
        "statements[0]: failed may not follow passed in a registration (9.3)"
    )


def test_one_of_passed_and_failed_per_session_but_a_new_session_may_pass():
    assert refused([FAILED, FAILED]) == (
        "statements[1]: failed was sent already in this session (9.3)"
    )
    assert refused([FAILED, PASSED]) == (
        "statements[1]: failed was sent already in this session: one of passed and failed (9.3)"
    )
    earlier_failure = replace(STARTED, failed=True)  # in an earlier session
    after = check_au_statements([FAILED, TERMINATED], earlier_failure)
    assert (after.failed, after.failed_in_session, after.terminated) == (True, True, True)
    assert check_au_statements([PASSED], earlier_failure).passed is True


def test_the_violation_names_its_index():
    with pytest.raises(Cmi5Violation) as caught:
        check_au_statements([INITIALIZED, ALLOWED, INITIALIZED], FACTS)
    assert caught.value.index == 2
    assert caught.value.message == "statements[2]: the session is initialized already (9.3.2)"


def test_something_not_an_object_is_refused():
    assert refused(["initialized"]) == "statements[0]: not a statement (a JSON object)"
