"""The SCORM run-time data rules: what a commit may store, what it means, what a launch
hands the runtime. Pure: no app."""

import pytest

from lms.courses.packages.scorm_rules import (
    Outcome,
    RuntimeDataError,
    clean_runtime_data,
    initial_data,
    unit_outcome,
)


def core12(**core) -> dict:
    return {"cmi": {"core": core}}


def refused(version: str, data) -> str:
    with pytest.raises(RuntimeDataError) as error:
        clean_runtime_data(version, data)
    return str(error.value)


def test_only_what_the_sco_writes_is_kept_in_1_2():
    posted = {
        "cmi": {
            "core": {
                "student_id": "someone-else",
                "student_name": "Mallory",
                "credit": "no-credit",
                "lesson_mode": "review",
                "entry": "resume",
                "total_time": "99:00:00",
                "lesson_location": "page-3",
                "lesson_status": "passed",
                "score": {"raw": "85", "min": "", "max": "100"},
                "exit": "suspend",
                "session_time": "00:01:30.5",
            },
            "suspend_data": "abc",
            "launch_data": "changed",
            "student_data": {"mastery_score": "0"},
            "interactions": {"0": {"id": "q1", "type": "choice", "student_response": "a"}},
        },
        "commitSequence": 3,
    }
    assert clean_runtime_data("1.2", posted) == {
        "cmi": {
            "core": {
                "lesson_location": "page-3",
                "lesson_status": "passed",
                "score": {"raw": "85", "min": "", "max": "100"},
                "exit": "suspend",
                "session_time": "00:01:30.5",
            },
            "suspend_data": "abc",
            "interactions": {"0": {"id": "q1", "type": "choice", "student_response": "a"}},
        }
    }


def test_only_what_the_sco_writes_is_kept_in_2004():
    posted = {
        "cmi": {
            "learner_id": "x",
            "mode": "browse",
            "scaled_passing_score": "0",
            "completion_threshold": "0",
            "location": "p9",
            "completion_status": "completed",
            "success_status": "failed",
            "score": {"scaled": "-0.5"},
            "exit": "normal",
            "session_time": "PT1H2M3.5S",
            "learner_preference": {"audio_captioning": "1", "delivery_speed": "1.5"},
        }
    }
    assert clean_runtime_data("2004", posted) == {
        "cmi": {
            "location": "p9",
            "completion_status": "completed",
            "success_status": "failed",
            "score": {"scaled": "-0.5"},
            "exit": "normal",
            "session_time": "PT1H2M3.5S",
            "learner_preference": {"audio_captioning": "1", "delivery_speed": "1.5"},
        }
    }


def test_empty_values_are_allowed_everywhere():
    assert clean_runtime_data("1.2", core12(score={"raw": ""}, exit="", lesson_status="")) == (
        core12(score={"raw": ""}, exit="", lesson_status="")
    )


@pytest.mark.parametrize(
    ("version", "data", "message"),
    [
        ("1.2", [], "cmi: must be an object"),
        ("1.2", {"core": {}}, "cmi: must be an object"),
        ("1.2", {"cmi": {"core": "x"}}, "cmi.core: must be an object"),
        (
            "1.2",
            core12(score={"raw": "101"}),
            "cmi.core.score.raw: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(score={"raw": "-1"}),
            "cmi.core.score.raw: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(score={"raw": "lots"}),
            "cmi.core.score.raw: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(score={"raw": "NaN"}),
            "cmi.core.score.raw: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(score={"raw": True}),
            "cmi.core.score.raw: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(score={"max": "200"}),
            "cmi.core.score.max: must be a number between 0 and 100",
        ),
        (
            "1.2",
            core12(lesson_location="x" * 256),
            "cmi.core.lesson_location: at most 255 characters",
        ),
        ("1.2", core12(lesson_location=7), "cmi.core.lesson_location: must be a string"),
        (
            "1.2",
            core12(lesson_status="done"),
            "cmi.core.lesson_status: must be one of passed, completed, failed, incomplete,"
            " browsed, not attempted",
        ),
        ("1.2", core12(exit="quit"), "cmi.core.exit: must be one of time-out, suspend, logout"),
        (
            "1.2",
            core12(session_time="PT1S"),
            "cmi.core.session_time: must be a time span HHHH:MM:SS.SS",
        ),
        ("1.2", {"cmi": {"suspend_data": "x" * 4097}}, "cmi.suspend_data: at most 4096 characters"),
        (
            "1.2",
            {"cmi": {"student_preference": {"speed": "101"}}},
            "cmi.student_preference.speed: must be a number between -100 and 100",
        ),
        (
            "1.2",
            {"cmi": {"interactions": {"0": {"id": "q", "result": "right"}}}},
            "cmi.interactions.0.result: must be a number or one of correct, wrong,"
            " unanticipated, neutral",
        ),
        (
            "1.2",
            {"cmi": {"interactions": {"0": {"type": "essay"}}}},
            "cmi.interactions.0.type: must be one of true-false, choice, fill-in, matching,"
            " performance, sequencing, likert, numeric",
        ),
        (
            "1.2",
            {"cmi": {"interactions": {"first": {"id": "q"}}}},
            "cmi.interactions.first: not an index below 250",
        ),
        (
            "1.2",
            {"cmi": {"interactions": "q1"}},
            "cmi.interactions: must be an object of numbered entries",
        ),
        (
            "1.2",
            {"cmi": {"objectives": {str(n): {"id": "o"} for n in range(101)}}},
            "cmi.objectives: at most 100 entries",
        ),
        (
            "1.2",
            {"cmi": {"interactions": {"0": {"correct_responses": {"0": {"pattern": 3}}}}}},
            "cmi.interactions.0.correct_responses.0.pattern: must be a string",
        ),
        (
            "2004",
            {"cmi": {"suspend_data": "x" * 64001}},
            "cmi.suspend_data: at most 64000 characters",
        ),
        (
            "2004",
            {"cmi": {"score": {"scaled": "1.5"}}},
            "cmi.score.scaled: must be a number between -1 and 1",
        ),
        ("2004", {"cmi": {"score": {"raw": "ten"}}}, "cmi.score.raw: must be a number"),
        (
            "2004",
            {"cmi": {"progress_measure": "2"}},
            "cmi.progress_measure: must be a number between 0 and 1",
        ),
        ("2004", {"cmi": {"location": "x" * 1001}}, "cmi.location: at most 1000 characters"),
        (
            "2004",
            {"cmi": {"completion_status": "passed"}},
            "cmi.completion_status: must be one of completed, incomplete, not attempted, unknown",
        ),
        (
            "2004",
            {"cmi": {"success_status": "completed"}},
            "cmi.success_status: must be one of passed, failed, unknown",
        ),
        (
            "2004",
            {"cmi": {"exit": "bye"}},
            "cmi.exit: must be one of time-out, suspend, logout, normal",
        ),
        (
            "2004",
            {"cmi": {"session_time": "00:01:00"}},
            "cmi.session_time: must be an ISO 8601 duration (PT1H2M3S)",
        ),
        (
            "2004",
            {"cmi": {"learner_preference": {"audio_level": "-1"}}},
            "cmi.learner_preference.audio_level: must be a number of at least 0",
        ),
        (
            "2004",
            {"cmi": {"interactions": {"0": {"result": "wrong"}}}},
            "cmi.interactions.0.result: must be a number or one of correct, incorrect,"
            " unanticipated, neutral",
        ),
        (
            "2004",
            {"cmi": {"comments_from_learner": {"0": {"comment": "x" * 4001}}}},
            "cmi.comments_from_learner.0.comment: at most 4000 characters",
        ),
        (
            "2004",
            {"cmi": {"objectives": {"0": {"score": {"scaled": "-2"}}}}},
            "cmi.objectives.0.score.scaled: must be a number between -1 and 1",
        ),
    ],
)
def test_each_rule_names_the_element(version, data, message):
    assert refused(version, data) == message


def test_a_commit_is_at_most_256_kb():
    huge = {"cmi": {"suspend_data": "x" * 4000, "padding": "y" * 256 * 1024}}
    assert refused("1.2", huge) == "cmi: the data model is larger than 256 KB"


def test_a_1_2_result_may_be_a_number_and_a_2004_interaction_type_other():
    data = {"cmi": {"interactions": {"0": {"result": "0.5", "type": "other"}}}}
    assert clean_runtime_data("2004", data) == data
    assert refused("1.2", data) == (
        "cmi.interactions.0.type: must be one of true-false, choice, fill-in, matching,"
        " performance, sequencing, likert, numeric"
    )


def test_an_unknown_version_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown SCORM version"):
        clean_runtime_data("1.3", {"cmi": {}})


# --- outcomes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "completed", "passed"),
    [
        ("passed", True, True),
        ("failed", True, False),
        ("completed", True, None),
        ("incomplete", False, None),
        ("browsed", False, None),
        ("not attempted", False, None),
        ("", False, None),
    ],
)
def test_outcome_of_each_1_2_status(status, completed, passed):
    outcome = unit_outcome("1.2", core12(lesson_status=status))
    assert (outcome.completed, outcome.passed) == (completed, passed)


def test_a_1_2_score_is_scaled_over_min_and_max():
    assert unit_outcome("1.2", core12(score={"raw": "85"})).score_scaled == 0.85
    assert (
        unit_outcome("1.2", core12(score={"raw": "15", "min": "10", "max": "30"})).score_scaled
        == 0.25
    )
    assert unit_outcome("1.2", core12(score={"raw": ""})).score_scaled is None


def test_a_1_2_outcome_in_full():
    data = core12(
        lesson_status="incomplete", lesson_location="p3", exit="suspend", score={"raw": "40"}
    )
    assert unit_outcome("1.2", data) == Outcome(
        completed=False, passed=None, score_scaled=0.4, location="p3", suspended=True
    )


@pytest.mark.parametrize(
    ("completion", "success", "completed", "passed"),
    [
        ("completed", "passed", True, True),
        ("completed", "failed", True, False),
        ("completed", "unknown", True, None),
        ("incomplete", "passed", False, True),
        ("not attempted", "unknown", False, None),
        ("unknown", "failed", False, False),
    ],
)
def test_outcome_of_each_2004_status(completion, success, completed, passed):
    data = {"cmi": {"completion_status": completion, "success_status": success}}
    outcome = unit_outcome("2004", data)
    assert (outcome.completed, outcome.passed) == (completed, passed)


def test_a_2004_outcome_in_full():
    data = {"cmi": {"location": "p9", "exit": "normal", "score": {"scaled": "0.875"}}}
    assert unit_outcome("2004", data) == Outcome(
        completed=False, passed=None, score_scaled=0.875, location="p9", suspended=False
    )
    raw_only = {"cmi": {"score": {"scaled": "", "raw": "30", "min": "0", "max": "40"}}}
    assert unit_outcome("2004", raw_only).score_scaled == 0.75


def test_nothing_stored_is_nothing_done():
    assert unit_outcome("2004", None) == Outcome(False, None, None, None, False)


# --- launching -------------------------------------------------------------------------------

LEARNER = {"student_id": "u-7", "student_name": "Doe, Ann", "launch_data": None}


def test_a_first_1_2_launch_is_ab_initio_with_the_mastery_score_out_of_100():
    assert initial_data("1.2", None, mastery_score=0.8, **LEARNER) == {
        "cmi": {
            "core": {
                "student_id": "u-7",
                "student_name": "Doe, Ann",
                "credit": "credit",
                "lesson_mode": "normal",
                "entry": "ab-initio",
                "total_time": "0000:00:00.00",
            },
            "student_data": {"mastery_score": "80"},
            "launch_data": "",
        }
    }


def test_a_1_2_relaunch_after_a_suspend_resumes_where_the_learner_left():
    stored = {
        "cmi": {
            "core": {
                "lesson_location": "p3",
                "lesson_status": "incomplete",
                "exit": "suspend",
                "session_time": "00:05:00",
            },
            "suspend_data": "abc",
        }
    }
    data = initial_data("1.2", stored, mastery_score=None, credit="no-credit", **LEARNER)
    assert data["cmi"]["core"] == {
        "lesson_location": "p3",
        "lesson_status": "incomplete",
        "student_id": "u-7",
        "student_name": "Doe, Ann",
        "credit": "no-credit",
        "lesson_mode": "normal",
        "entry": "resume",
        "total_time": "0000:00:00.00",
    }
    assert data["cmi"]["suspend_data"] == "abc"
    assert data["cmi"]["student_data"] == {"mastery_score": ""}
    assert stored["cmi"]["core"]["exit"] == "suspend"  # what is stored is not changed


def test_a_1_2_relaunch_after_a_normal_exit_keeps_the_status_with_an_empty_entry():
    stored = core12(lesson_status="completed", exit="")
    data = initial_data("1.2", stored, mastery_score=None, **LEARNER)
    assert (data["cmi"]["core"]["entry"], data["cmi"]["core"]["lesson_status"]) == ("", "completed")


def test_a_first_2004_launch_is_ab_initio_with_the_scaled_passing_score():
    assert initial_data(
        "2004",
        None,
        mastery_score=0.75,
        launch_data="go",
        student_id="u-7",
        student_name="Ann",
        mode="review",
    ) == {
        "cmi": {
            "learner_id": "u-7",
            "learner_name": "Ann",
            "credit": "credit",
            "mode": "review",
            "entry": "ab-initio",
            "launch_data": "go",
            "scaled_passing_score": "0.75",
            "total_time": "PT0S",
        }
    }


def test_a_2004_relaunch_resumes_after_a_suspend_and_starts_afresh_otherwise():
    stored = {
        "cmi": {
            "location": "p9",
            "suspend_data": "zz",
            "exit": "suspend",
            "learner_preference": {"language": "es"},
        }
    }
    resumed = initial_data("2004", stored, mastery_score=None, **LEARNER)["cmi"]
    assert (resumed["entry"], resumed["location"], resumed["suspend_data"]) == (
        "resume",
        "p9",
        "zz",
    )
    assert "exit" not in resumed
    stored["cmi"]["exit"] = "normal"
    fresh = initial_data("2004", stored, mastery_score=None, **LEARNER)["cmi"]
    assert fresh["entry"] == "ab-initio"
    assert "location" not in fresh and "suspend_data" not in fresh
    assert fresh["learner_preference"] == {"language": "es"}
