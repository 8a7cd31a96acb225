"""`content/skills.yaml`: each skill's CRM objects and how much of one's own CRM use makes a
coach proficient — read, and refused with the line and field when wrong. Pure."""

import pytest

from lms.courses.content.reading import read_content
from tests.courses.test_content_check import at, only_problem, tree  # noqa: F401

SKILLS = "skills.yaml"


def with_use(tree, lines: str) -> None:  # noqa: F811
    path = tree / SKILLS
    text = path.read_text()
    anchor = "  description: Capture, qualify and convert leads.\n"
    path.write_text(text.replace(anchor, anchor + lines, 1))


def test_objects_and_use_are_read(tree):  # noqa: F811
    with_use(
        tree, "  crm_objects: [lead, contact]\n  proficient_from_use: {records: 20, days: 60}\n"
    )
    content, problems = read_content(tree)
    assert problems == []
    leads = next(skill for skill in content.skills if skill.slug == "handle-leads")
    assert (leads.crm_objects, leads.proficient_records, leads.proficient_days) == (
        ("lead", "contact"),
        20,
        60,
    )
    other = next(skill for skill in content.skills if skill.slug == "manage-opportunities")
    assert (other.crm_objects, other.proficient_records) == ((), None)


@pytest.mark.parametrize(
    ("lines", "field", "message"),
    [
        ("  crm_objects: [leads]\n", "[0]", 'unknown CRM object "leads"'),
        ("  crm_objects: lead\n", "crm_objects", "must be a list"),
        (
            "  proficient_from_use: {records: 20, days: 60}\n",
            "proficient_from_use",
            "needs crm_objects",
        ),
        (
            "  crm_objects: [lead]\n  proficient_from_use: {records: 0, days: 60}\n",
            "records",
            "must be 1 or more",
        ),
        (
            "  crm_objects: [lead]\n  proficient_from_use: {records: 5, days: 400}\n",
            "days",
            "must be at most 365",
        ),
        (
            "  crm_objects: [lead]\n  proficient_from_use: {records: 5}\n",
            "days",
            "is missing",
        ),
    ],
)
def test_wrong_use_settings_are_refused_by_line_and_field(tree, lines, field, message):  # noqa: F811
    with_use(tree, lines)
    problem = only_problem(tree)
    path, line, named = at(problem)
    assert path.endswith(SKILLS) and line in (4, 5) and named.endswith(field)
    assert message in problem.message
