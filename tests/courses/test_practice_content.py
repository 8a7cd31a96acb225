"""Practice tasks in content: `practice.yaml` read and checked (each refusal names its file,
line and field), written to the database by `sync_content` (created, updated, retired and
brought back, never deleted), and the shipped tasks fit the shipped training CRM.

Each reading test writes one valid `practice.yaml` into the small sample's handle-leads
course, breaks one thing, and expects exactly the problem that names it."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.config import PROJECT_ROOT
from lms.courses.content.bundle import PracticeTaskSpec
from lms.courses.content.reading import read_content
from lms.courses.content.sync import ContentInvalid, sync_content
from lms.courses.models import Course
from lms.crm.connectors.bottlecrm import OBJECTS as BOTTLECRM_OBJECTS
from lms.database import db
from lms.practice.models import PracticeTask, spec_of_check
from lms.practice.rules import Check, Condition
from tests.conftest import T0
from tests.courses.test_content_check import edit, line_of, only_problem

SAMPLE = Path(__file__).parent / "samples" / "content"
LEADS = "courses/handle-leads"
PRACTICE = f"{LEADS}/practice.yaml"
T1, T2, T3 = (T0 + timedelta(days=days) for days in (1, 2, 3))

VALID = """\
tasks:
  - slug: qualify-harbour-cement
    title: Qualify a new lead
    skill: handle-leads
    instructions: |
      In the training CRM, create a lead for **Harbour Cement**.
    check:
      object: lead
      action: created
      conditions:
        - field: company
          equals: Harbour Cement
        - field: amount
          at_least: 1
          says: no budget (Opportunity amount)
        - field: close_date
          filled: true
        - field: status
          one_of: [Assigned, In Process]
      then: converted
    hints:
      - Open Leads, then New.
      - Budget goes in Opportunity amount.
  - slug: plan-a-call
    title: Plan the next call
    skill: handle-leads
    instructions: Create a task to call Elena Novak back.
    check:
      object: task
      action: changed
      conditions:
        - field: subject
          contains: Novak
"""


@pytest.fixture
def tree(tmp_path) -> Path:
    """The sample content, its handle-leads course with the valid practice.yaml above."""
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    (target / PRACTICE).write_text(VALID)
    return target


def practice_of(tree: Path, slug: str = "handle-leads") -> tuple[PracticeTaskSpec, ...]:
    content, found = read_content(tree)
    assert found == [], "\n".join(map(str, found))
    return next(course for course in content.courses if course.slug == slug).practice


# Reading.


def test_valid_practice_file_reads_into_specs(tree):
    qualify, call = practice_of(tree)

    assert (qualify.slug, qualify.title, qualify.skill) == (
        "qualify-harbour-cement",
        "Qualify a new lead",
        "handle-leads",
    )
    assert "<strong>Harbour Cement</strong>" in qualify.instructions_html
    assert qualify.check == Check(
        object="lead",
        action="created",
        conditions=(
            Condition("company", "equals", "Harbour Cement"),
            Condition("amount", "at_least", 1.0, says="no budget (Opportunity amount)"),
            Condition("close_date", "filled"),
            Condition("status", "one_of", ("Assigned", "In Process")),
        ),
        then="converted",
    )
    assert qualify.hints == ("Open Leads, then New.", "Budget goes in Opportunity amount.")
    assert call.check == Check("task", "changed", (Condition("subject", "contains", "Novak"),))
    assert call.hints == ()


def test_course_without_practice_file_has_no_tasks(tree):
    (tree / PRACTICE).unlink()
    assert practice_of(tree) == ()
    assert practice_of(tree, "remedial-lead-basics") == ()


def test_summary_counts_practice_tasks(tree):
    content, _ = read_content(tree)
    assert "1 curricula, 2 practice tasks, " in content.summary()


# Each: the text replaced, its replacement, the text on the line the problem names (or
# (text, after) when it appears earlier too), the field, and how the message starts.
REFUSALS = [
    pytest.param(
        "hints:",
        "hint:",
        "hint:",
        "tasks[0].hint",
        'is not a known field (did you mean "hints"?)',
        id="unknown-task-field",
    ),
    pytest.param(
        "says: no budget",
        "say: no budget",
        "say:",
        "tasks[0].check.conditions[1].say",
        'is not a known field (did you mean "says"?)',
        id="unknown-condition-field",
    ),
    pytest.param(
        "          filled: true\n",
        "",
        "field: close_date",
        "tasks[0].check.conditions[2]",
        "names no test: give one of filled, equals, one_of, contains, at_least, at_most",
        id="no-test",
    ),
    pytest.param(
        "equals: Harbour Cement\n",
        "equals: Harbour Cement\n          contains: Cement\n",
        "contains: Cement",
        "tasks[0].check.conditions[0].contains",
        "a condition has one test, this one has equals and contains",
        id="two-tests",
    ),
    pytest.param(
        "filled: true",
        "filled: false",
        "filled: false",
        "tasks[0].check.conditions[2].filled",
        "must be true: filled: false checks nothing, so leave the condition out",
        id="filled-false",
    ),
    pytest.param(
        "at_least: 1",
        "at_least: a lot",
        "at_least:",
        "tasks[0].check.conditions[1].at_least",
        "must be a number",
        id="at-least-not-a-number",
    ),
    pytest.param(
        "one_of: [Assigned, In Process]",
        "one_of: []",
        "one_of:",
        "tasks[0].check.conditions[3].one_of",
        "lists no value: give at least one",
        id="empty-one-of",
    ),
    pytest.param(
        "skill: handle-leads",
        "skill: create-quotes",
        "skill: create-quotes",
        "tasks[0].skill",
        '"create-quotes" is not a skill this course teaches; its skills: handle-leads',
        id="skill-the-course-does-not-teach",
    ),
    pytest.param(
        "object: lead",
        "object: opportunity",
        "then: converted",
        "tasks[0].check.then",
        'a check on "opportunity" cannot ask for converted: only a lead is converted',
        id="then-on-an-opportunity",
    ),
    pytest.param(
        "object: lead",
        "object: leads",
        "object: leads",
        "tasks[0].check.object",
        'unknown CRM object "leads" (did you mean "lead"?)',
        id="unknown-object",
    ),
    pytest.param(
        "action: created",
        "action: updated",
        "action: updated",
        "tasks[0].check.action",
        'unknown action "updated"',
        id="unknown-action",
    ),
    pytest.param(
        "field: company",
        "field: company_name",
        "field: company_name",
        "tasks[0].check.conditions[0].field",
        'unknown CRM field "company_name" (did you mean "company"?)',
        id="unknown-field",
    ),
    pytest.param(
        "then: converted",
        "then: won",
        "then: won",
        "tasks[0].check.then",
        'unknown follow-up "won"',
        id="unknown-follow-up",
    ),
    pytest.param(
        "slug: plan-a-call",
        "slug: qualify-harbour-cement",
        ("slug: qualify-harbour-cement", "title: Qualify a new lead"),
        "tasks[1].slug",
        'task slug "qualify-harbour-cement" appears twice (first at tasks[0].slug)',
        id="slug-twice",
    ),
    pytest.param(
        "      conditions:\n        - field: subject\n          contains: Novak\n",
        "      conditions: []\n",
        "conditions: []",
        "tasks[1].check.conditions",
        "a check needs at least one condition",
        id="no-condition",
    ),
    pytest.param(
        "    instructions: Create a task to call Elena Novak back.\n",
        "",
        "- slug: plan-a-call",
        "tasks[1].instructions",
        "is missing",
        id="no-instructions",
    ),
]


@pytest.mark.parametrize(("old", "new", "line_text", "field", "message"), REFUSALS)
def test_refusal_names_file_line_and_field(tree, old, new, line_text, field, message):
    edit(tree, PRACTICE, old, new)

    problem = only_problem(tree)

    assert problem.path == f"content/{PRACTICE}"
    text, after = line_text if isinstance(line_text, tuple) else (line_text, None)
    assert problem.line == line_of(tree, PRACTICE, text, after=after)
    assert problem.field == field
    assert problem.message.startswith(message), problem.message


def test_empty_task_list_is_refused(tree):
    (tree / PRACTICE).write_text("tasks: []\n")
    problem = only_problem(tree)
    assert (problem.line, problem.field) == (1, "tasks")
    assert "lists no task" in problem.message


def test_skill_of_a_course_with_no_skills(tree):
    edit(tree, f"{LEADS}/course.yaml", "skills: [handle-leads]", "skills: []")
    found = read_content(tree)[1]
    messages = [p.message for p in found if p.path == f"content/{PRACTICE}"]
    assert (
        messages
        == ['"handle-leads" is not a skill this course teaches: its skills list is empty'] * 2
    )


# Syncing.


def tasks_of(course_slug: str) -> dict[str, PracticeTask]:
    query = select(PracticeTask).join(Course).where(Course.slug == course_slug)
    return {task.slug: task for task in db.session.scalars(query)}


def test_sync_creates_the_tasks(app, tree):
    report = sync_content(tree, now=T0)

    assert report["practice tasks"].created == 2
    assert "practice tasks: 2 created" in str(report)
    tasks = tasks_of("handle-leads")
    qualify, call = tasks["qualify-harbour-cement"], tasks["plan-a-call"]
    spec = practice_of(tree)[0]
    assert (qualify.position, qualify.title, qualify.skill.slug) == (
        1,
        "Qualify a new lead",
        "handle-leads",
    )
    assert qualify.instructions_html == spec.instructions_html
    assert qualify.check_spec == spec_of_check(spec.check)
    assert qualify.check == spec.check
    assert qualify.hints == ["Open Leads, then New.", "Budget goes in Opportunity amount."]
    assert qualify.retired_at is None
    assert call.position == 2 and call.hints == []


def test_sync_updates_retires_and_brings_back_a_task(app, tree):
    sync_content(tree, now=T0)
    ids = {slug: task.id for slug, task in tasks_of("handle-leads").items()}

    edit(tree, PRACTICE, "title: Plan the next call", "title: Plan your next call")
    edit(tree, PRACTICE, "contains: Novak", "contains: Elena")
    report = sync_content(tree, now=T1)
    assert report["practice tasks"].updated == 1 and report.total == 1, str(report)
    call = tasks_of("handle-leads")["plan-a-call"]
    assert call.title == "Plan your next call" and call.id == ids["plan-a-call"]
    assert call.check.conditions[0].value == "Elena"

    (tree / PRACTICE).write_text(VALID[: VALID.index("  - slug: plan-a-call")])
    report = sync_content(tree, now=T2)
    assert report["practice tasks"].retired == 1 and report.total == 1, str(report)
    tasks = tasks_of("handle-leads")
    assert tasks["plan-a-call"].retired_at == T2  # kept: attempts refer to it
    assert tasks["qualify-harbour-cement"].retired_at is None

    (tree / PRACTICE).write_text(VALID)
    report = sync_content(tree, now=T3)
    assert report["practice tasks"].updated == 1, str(report)
    back = tasks_of("handle-leads")["plan-a-call"]
    assert back.retired_at is None and back.id == ids["plan-a-call"]
    assert back.title == "Plan the next call"

    assert sync_content(tree, now=T3).total == 0


def test_removing_the_practice_file_retires_the_courses_tasks(app, tree):
    sync_content(tree, now=T0)
    (tree / PRACTICE).unlink()

    report = sync_content(tree, now=T1)

    assert report["practice tasks"].retired == 2
    assert [task.retired_at for task in tasks_of("handle-leads").values()] == [T1, T1]


def test_tasks_of_a_course_that_leaves_content_are_retired_with_it(app, tree):
    shipped = tasks_of("crm-handle-leads")
    assert shipped and all(task.retired_at is None for task in shipped.values())

    report = sync_content(tree, now=T1)  # the sample has none of the shipped courses

    assert report["practice tasks"].retired >= len(shipped)
    assert all(task.retired_at == T1 for task in tasks_of("crm-handle-leads").values())


def test_invalid_practice_file_writes_nothing(app, tree):
    edit(tree, PRACTICE, "filled: true", "filled: false")
    before = db.session.scalar(select(func.count()).select_from(PracticeTask))

    with pytest.raises(ContentInvalid):
        sync_content(tree, now=T1)

    assert db.session.scalar(select(func.count()).select_from(PracticeTask)) == before
    assert not (db.session.new or db.session.dirty or db.session.deleted)


# The shipped content.


def shipped_courses():
    content, found = read_content(PROJECT_ROOT / "content")
    assert found == [], "\n".join(map(str, found))
    return content.courses


def test_every_shipped_crm_application_course_has_practice():
    applications = [course for course in shipped_courses() if course.kind == "crm_application"]
    assert applications
    for course in applications:
        assert course.practice, f"{course.slug} has no practice task"
        assert {task.skill for task in course.practice} <= set(course.skills)


def test_shipped_tasks_ask_only_for_fields_the_training_crm_fills():
    """BottleCRM, the shipped training CRM, fills only some canonical fields per object: a
    check on any other could never pass there."""
    for course in shipped_courses():
        for task in course.practice:
            filled = set(BOTTLECRM_OBJECTS[task.check.object].fields({}))
            asked = {condition.field for condition in task.check.conditions}
            assert asked <= filled, f"{course.slug}/{task.slug}: {asked - filled}"


def test_shipped_tasks_are_loaded(app):
    tasks = tasks_of("crm-handle-leads")
    assert {"qualify-harbour-cement", "convert-harbour-cement"} <= set(tasks)
    assert all(task.skill.slug == "handle-leads" for task in tasks.values())


def test_check_command_counts_practice_tasks(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert " practice tasks, " in result.output
