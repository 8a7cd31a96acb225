"""content/adoption.yaml: read with file:line:field problems, checked by `lms content check`."""

import shutil
from pathlib import Path

from lms.adoption import rules as r
from lms.adoption.content import read_adoption
from lms.config import PROJECT_ROOT
from lms.courses.content.reading import read_content

COURSES = frozenset({"remedial-complete-profiles"})


def read(tmp_path: Path, text: str):
    path = tmp_path / "adoption.yaml"
    path.write_text(text)
    problems = []
    return read_adoption(path, "content/adoption.yaml", COURSES, problems), [
        str(p) for p in problems
    ]


def test_the_shipped_file_reads_cleanly():
    _content, problems = read_content(PROJECT_ROOT / "content")
    assert [p for p in problems if "adoption" in p.path] == []


def test_shipped_settings(tmp_path):
    content, problems = read(tmp_path, (PROJECT_ROOT / "content" / "adoption.yaml").read_text())
    assert problems == []
    assert content.target_percent == 90
    assert [spec.kind for spec in content.signals] == list(r.SIGNAL_KINDS)
    assert content.spec(r.DATA_QUALITY).response == r.Response(
        r.ASSIGN_REMEDIAL, "remedial-complete-profiles"
    )
    assert content.spec(r.UPDATING_DROP).response == r.Response(r.TELL_MANAGER)


def test_problems_name_file_line_and_field(tmp_path):
    _content, problems = read(
        tmp_path,
        "target_percent: 120\n"
        "crm_actions:\n"
        "  - kind: inptu\n"
        "    verb: http://x/update\n"
        "signals:\n"
        "  three-x:\n"
        "    weeks: 0\n"
        "    below: 3\n"
        "    min_inputs: 5\n"
        "    action: {assign_remedial: no-such-course}\n"
        "  few-reports:\n"
        "    weeks: 4\n"
        "    below: 2\n"
        "    action: shout\n"
        "  quiet: {}\n",
    )
    by_line = sorted(problems, key=lambda p: int(p.split(":")[1]))
    assert by_line == [
        "content/adoption.yaml:1: target_percent: must be 100 or less, not 120",
        "content/adoption.yaml:3: crm_actions[0].kind:"
        ' unknown kind "inptu" (did you mean "input"?)',
        "content/adoption.yaml:7: signals.three-x.weeks: must be 1 or more, not 0",
        "content/adoption.yaml:10: signals.three-x.action.assign_remedial: names no course in"
        ' content/courses: "no-such-course"',
        "content/adoption.yaml:14: signals.few-reports.action: must be nudge, tell_manager, or"
        " assign_remedial: <course slug>",
        "content/adoption.yaml:15: signals.quiet: is not a known field; allowed: data-quality,"
        " few-reports, three-x, updating-drop",
    ]


def test_a_missing_field_is_named(tmp_path):
    text = "crm_actions:\n  - kind: input\nsignals:\n  data-quality:\n    weeks: 4\n"
    _content, problems = read(tmp_path, text)
    assert "content/adoption.yaml:2: crm_actions[0].verb: is missing" in problems
    assert "content/adoption.yaml:4: signals.data-quality.below: is missing" in problems


def test_content_check_reports_adoption_problems(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", copy)
    (copy / "adoption.yaml").write_text("crm_actions: []\ntarget_percent: 0\n")
    _content, problems = read_content(copy)
    assert [str(p) for p in problems] == [
        "content/adoption.yaml:2: target_percent: must be 1 or more, not 0"
    ]
