"""`read_content`: each check reports its own file, line and field. Pure: no app, no database.

Each test copies the small valid sample under samples/content, breaks one thing, and expects
exactly the problem that names it.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest

from lms.config import PROJECT_ROOT
from lms.courses.content.reading import ContentProblem, read_content
from lms.courses.content.rules import find_loops
from lms.courses.lesson_html import render_lesson

SAMPLE = Path(__file__).parent / "samples" / "content"
LEADS = "courses/handle-leads"
REMEDIAL = "courses/remedial-lead-basics"
CURRICULUM = "curricula/sales_rep.yaml"


@pytest.fixture
def tree(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(SAMPLE, target)
    return target


def edit(tree: Path, name: str, old: str, new: str, *, after: str | None = None) -> None:
    """Replace the first `old` (after the first `after`, when given) in a content file."""
    path = tree / name
    text = path.read_text()
    start = text.index(after) if after else 0
    assert old in text[start:], f"{old!r} not in {name}"
    path.write_text(text[:start] + text[start:].replace(old, new, 1))


def line_of(tree: Path, name: str, text: str, *, after: str | None = None) -> int:
    """The 1-based line of the first `text` (after the first `after`, when given)."""
    lines = (tree / name).read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines) if i >= start and text in line) + 1


def problems(tree: Path) -> list[ContentProblem]:
    return read_content(tree)[1]


def only_problem(tree: Path) -> ContentProblem:
    found = problems(tree)
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def at(problem: ContentProblem) -> tuple[str, int | None, str]:
    return problem.path, problem.line, problem.field


def path(name: str) -> str:
    return f"content/{name}"


# The content as shipped, and the sample.


def test_shipped_content_has_no_problems():
    content, found = read_content(PROJECT_ROOT / "content")
    assert found == [], "\n".join(map(str, found))
    assert content.courses and content.curricula


def test_sample_is_valid_and_read_in_full(tree):
    content, found = read_content(tree)
    assert found == []
    assert [course.slug for course in content.courses] == ["handle-leads", "remedial-lead-basics"]
    leads = content.courses[0]
    assert leads.job_roles == ("sales_rep", "marketing") and not leads.for_all_roles
    assert leads.remedial == "remedial-lead-basics" and leads.pass_mark == 0.8
    assert [lesson.slug for lesson in leads.lessons] == [
        "find-your-leads",
        "qualify-a-lead",
        "hand-over",
    ]
    assert leads.lessons[2].job_roles == ("marketing",)
    assert "<table>" in leads.lessons[0].body_html
    assert [q.type for q in leads.questions] == ["single"] * 4 + ["multiple"]
    assert content.courses[1].for_all_roles and content.courses[1].job_roles == ()
    assert content.rollout.go_live == date(2026, 9, 7)
    curriculum = content.curricula[0]
    assert curriculum.job_role == "sales_rep" and curriculum.coaching_target_days == 14
    assert [c.key for c in curriculum.communications] == ["welcome", "go-live-reminder"]


def test_problem_reads_as_file_line_field_message():
    problem = ContentProblem("content/courses/x/quiz.yaml", 42, "questions[3].choices", "bad")
    assert str(problem) == "content/courses/x/quiz.yaml:42: questions[3].choices: bad"
    assert str(ContentProblem("content/x.md", None, "", "is empty")) == "content/x.md: is empty"


# Files that cannot be read.


def test_yaml_syntax_error_names_its_line(tree):
    edit(tree, f"{LEADS}/course.yaml", "skills: [handle-leads]", "skills: [handle-leads")
    problem = only_problem(tree)
    assert problem.path == path(f"{LEADS}/course.yaml")
    assert problem.line == line_of(tree, f"{LEADS}/course.yaml", "pass_mark:")
    assert "not valid YAML" in problem.message


def test_empty_file(tree):
    (tree / "rollout.yaml").write_text("# nothing yet\n")
    assert at(only_problem(tree)) == (path("rollout.yaml"), None, "")


# Fields: required, typed, no unknown ones.


def test_missing_required_field(tree):
    edit(tree, f"{LEADS}/course.yaml", "title: Handle leads in the CRM\n", "")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), 1, "title")
    assert problem.message == "is missing"


def test_field_of_the_wrong_type(tree):
    edit(tree, f"{LEADS}/course.yaml", "skills: [handle-leads]", "skills: handle-leads")
    line = line_of(tree, f"{LEADS}/course.yaml", "skills:")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "skills")


def test_empty_text_field(tree):
    edit(tree, f"{LEADS}/course.yaml", "title: Handle leads in the CRM", "title:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), 2, "title")
    assert problem.message == "must not be empty"


def test_text_is_taken_as_written(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "text: Within one working day.", "text: 1")
    edit(tree, f"{LEADS}/quiz.yaml", "key: b", "key: no")
    content, found = read_content(tree)
    assert found == []
    assert [(c.key, c.text) for c in content.courses[0].questions[0].choices][0] == ("a", "1")
    assert content.courses[0].questions[0].choices[1].key == "no"


def test_unknown_field_is_reported_as_a_likely_typo(tree):
    edit(tree, f"{LEADS}/course.yaml", "    minutes: 5\n", "    minutes: 5\n    minuts: 5\n")
    problem = only_problem(tree)
    line = line_of(tree, f"{LEADS}/course.yaml", "minuts:")
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "lessons[1].minuts")
    assert 'did you mean "minutes"' in problem.message


def test_field_written_twice(tree):
    edit(tree, "rollout.yaml", "crm_name: the CRM\n", "crm_name: the CRM\ncrm_name: Nimbus\n")
    line = line_of(tree, "rollout.yaml", "Nimbus")
    assert at(only_problem(tree)) == (path("rollout.yaml"), line, "crm_name")


def test_deeply_nested_field_reports_its_own_line(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "correct: false", "correct: maybe", after="key: nurture")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "correct: maybe")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/quiz.yaml"), line, "questions[2].choices[1].correct")
    assert problem.message == "must be true or false"


# Identifiers.


def test_slug_format(tree):
    edit(tree, f"{LEADS}/course.yaml", "slug: handle-leads", "slug: Handle_Leads")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), 1, "slug")


def test_course_slug_must_equal_its_folder(tree):
    edit(tree, f"{LEADS}/course.yaml", "slug: handle-leads", "slug: handle-the-leads")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), 1, "slug")
    assert "folder name" in problem.message


def test_curriculum_job_role_must_equal_its_file_name(tree):
    edit(tree, CURRICULUM, "job_role: sales_rep", "job_role: marketing")
    problem = only_problem(tree)
    assert at(problem) == (path(CURRICULUM), 1, "job_role")
    assert "sales_rep.yaml" in problem.message


def test_duplicate_job_role(tree):
    (tree / "job_roles.yaml").write_text(
        (tree / "job_roles.yaml").read_text() + "- slug: marketing\n  title: Marketing again\n"
    )
    line = line_of(tree, "job_roles.yaml", "slug: marketing", after="Leads a sales team")
    problem = only_problem(tree)
    assert at(problem) == (path("job_roles.yaml"), line, "[3].slug")
    assert "first at [1].slug" in problem.message


# Vocabularies: kinds, job roles, skills.


def test_unknown_kind(tree):
    edit(tree, f"{LEADS}/course.yaml", "kind: crm_application", "kind: crm_app")
    line = line_of(tree, f"{LEADS}/course.yaml", "kind:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "kind")
    assert 'unknown kind of training "crm_app"' in problem.message


def test_unknown_job_role_in_a_course(tree):
    edit(tree, f"{LEADS}/course.yaml", "[sales_rep, marketing]", "[sales_rep, marketing, salesrep]")
    line = line_of(tree, f"{LEADS}/course.yaml", "job_roles:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "job_roles[2]")
    assert problem.message == 'unknown job role "salesrep" (did you mean "sales_rep"?)'


def test_unknown_job_role_in_a_lesson(tree):
    edit(tree, f"{LEADS}/course.yaml", "job_roles: [marketing]", "job_roles: [marketeer]")
    line = line_of(tree, f"{LEADS}/course.yaml", "[marketeer]")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "lessons[2].job_roles[0]")


def test_lesson_role_the_course_is_not_for(tree):
    edit(tree, f"{LEADS}/course.yaml", "job_roles: [marketing]", "job_roles: [sales_manager]")
    line = line_of(tree, f"{LEADS}/course.yaml", "[sales_manager]")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "lessons[2].job_roles[0]")
    assert "nobody would see this lesson" in problem.message


def test_unknown_job_role_in_a_curriculum(tree):
    edit(tree, CURRICULUM, "job_role: sales_rep", "job_role: sales_reps")
    assert at(only_problem(tree)) == (path(CURRICULUM), 1, "job_role")


def test_job_role_listed_twice(tree):
    edit(
        tree, f"{LEADS}/course.yaml", "[sales_rep, marketing]", "[sales_rep, marketing, sales_rep]"
    )
    line = line_of(tree, f"{LEADS}/course.yaml", "job_roles:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "job_roles[2]")
    assert "appears twice" in problem.message


def test_unknown_skill_in_a_course(tree):
    edit(
        tree,
        f"{LEADS}/course.yaml",
        "skills: [handle-leads]",
        "skills: [handle-leads, close-deals]",
    )
    line = line_of(tree, f"{LEADS}/course.yaml", "skills:")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "skills[1]")


def test_unknown_skill_in_a_curriculum(tree):
    edit(tree, CURRICULUM, "skills: [handle-leads]", "skills: [handle-lead]")
    line = line_of(tree, CURRICULUM, "skills:")
    problem = only_problem(tree)
    assert at(problem) == (path(CURRICULUM), line, "skills[0]")
    assert 'did you mean "handle-leads"' in problem.message


# Lessons.


def test_lesson_file_missing(tree):
    (tree / LEADS / "qualify-a-lead.md").unlink()
    line = line_of(tree, f"{LEADS}/course.yaml", "slug: qualify-a-lead")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "lessons[1].slug")
    assert "qualify-a-lead.md" in problem.message


def test_markdown_file_no_lesson_lists(tree):
    (tree / LEADS / "old-lesson.md").write_text("Something we no longer teach.\n")
    assert at(only_problem(tree)) == (path(f"{LEADS}/old-lesson.md"), None, "")


def test_empty_lesson(tree):
    (tree / LEADS / "hand-over.md").write_text("\n  \n")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/hand-over.md"), None, "")
    assert "empty" in problem.message


def test_lesson_may_not_open_with_a_title(tree):
    (tree / LEADS / "hand-over.md").write_text("\n# Hand over\n\nText.\n")
    assert at(only_problem(tree)) == (path(f"{LEADS}/hand-over.md"), 2, "")


def test_duplicate_lesson_slug(tree):
    with (tree / LEADS / "course.yaml").open("a") as file:
        file.write("  - slug: find-your-leads\n    title: Again\n    minutes: 2\n")
    line = line_of(tree, f"{LEADS}/course.yaml", "title: Again") - 1
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "lessons[3].slug")
    assert "first at lessons[0].slug" in problem.message


def test_course_without_lessons(tree):
    text = (tree / LEADS / "course.yaml").read_text()
    (tree / LEADS / "course.yaml").write_text(text[: text.index("lessons:")] + "lessons: []\n")
    for lesson in ("find-your-leads", "qualify-a-lead", "hand-over"):
        (tree / LEADS / f"{lesson}.md").unlink()
    line = line_of(tree, f"{LEADS}/course.yaml", "lessons:")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "lessons")


@pytest.mark.parametrize("minutes", ["0", "-3", "2.5", "four"])
def test_lesson_minutes_must_be_a_positive_whole_number(tree, minutes):
    edit(tree, f"{LEADS}/course.yaml", "    minutes: 5", f"    minutes: {minutes}")
    line = line_of(tree, f"{LEADS}/course.yaml", f"minutes: {minutes}")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "lessons[1].minutes")


def test_course_minutes_must_be_positive(tree):
    edit(tree, f"{LEADS}/course.yaml", "minutes: 12", "minutes: 0")
    line = line_of(tree, f"{LEADS}/course.yaml", "minutes: 0")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "minutes")


# Quizzes.


def test_quiz_missing(tree):
    (tree / REMEDIAL / "quiz.yaml").unlink()
    assert at(only_problem(tree)) == (path(f"{REMEDIAL}/quiz.yaml"), None, "")


def test_quiz_with_fewer_than_five_questions(tree):
    quiz = tree / LEADS / "quiz.yaml"
    text = quiz.read_text()
    quiz.write_text(text[: text.index("  - key: which-checks")])
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/quiz.yaml"), 1, "questions")
    assert "at least 5 questions, this one has 4" in problem.message


def test_single_choice_question_needs_exactly_one_correct_choice(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "correct: false", "correct: true", after="key: nurture")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "choices:", after="key: nurture")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/quiz.yaml"), line, "questions[2].choices")
    assert problem.message == "a single-choice question needs exactly one correct choice, not 2"


def test_multiple_choice_question_needs_a_correct_choice(tree):
    for _ in range(2):
        edit(tree, f"{LEADS}/quiz.yaml", "correct: true", "correct: false", after="which-checks")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "choices:", after="key: which-checks")
    assert at(only_problem(tree)) == (path(f"{LEADS}/quiz.yaml"), line, "questions[4].choices")


def test_choice_without_explanation(tree):
    edit(
        tree,
        f"{LEADS}/quiz.yaml",
        "        explanation: Too slow; a competitor will have called.\n",
        "",
    )
    line = line_of(tree, f"{LEADS}/quiz.yaml", "text: Within a week.") - 1
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/quiz.yaml"), line, "questions[0].choices[1].explanation")
    assert problem.message == "is missing"


def test_duplicate_question_key(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "key: nurture", "key: first-contact")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "key: first-contact", after="qualify-first")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/quiz.yaml"), line, "questions[2].key")
    assert "first at questions[0].key" in problem.message


def test_duplicate_choice_key(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "key: b", "key: a", after="key: qualify-first")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "text: That the company", after="qualify-first") - 1
    assert at(only_problem(tree)) == (
        path(f"{LEADS}/quiz.yaml"),
        line,
        "questions[1].choices[1].key",
    )


def test_unknown_question_type(tree):
    edit(tree, f"{LEADS}/quiz.yaml", "type: single", "type: one")
    line = line_of(tree, f"{LEADS}/quiz.yaml", "type: one")
    assert at(only_problem(tree)) == (path(f"{LEADS}/quiz.yaml"), line, "questions[0].type")


@pytest.mark.parametrize("mark", ["0", "1.5", "-0.2", "high"])
def test_pass_mark_is_a_share_above_zero_up_to_one(tree, mark):
    edit(tree, f"{LEADS}/course.yaml", "pass_mark: 0.8", f"pass_mark: {mark}")
    line = line_of(tree, f"{LEADS}/course.yaml", "pass_mark:")
    assert at(only_problem(tree)) == (path(f"{LEADS}/course.yaml"), line, "pass_mark")


# Remedial links.


def copy_course(tree: Path, source: str, slug: str) -> None:
    shutil.copytree(tree / "courses" / source, tree / "courses" / slug)
    edit(tree, f"courses/{slug}/course.yaml", f"slug: {source}", f"slug: {slug}")


def test_remedial_course_must_exist(tree):
    edit(tree, f"{LEADS}/course.yaml", "remedial: remedial-lead-basics", "remedial: remedial-leads")
    line = line_of(tree, f"{LEADS}/course.yaml", "remedial:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "remedial")
    assert 'no course "remedial-leads"' in problem.message


def test_remedial_link_must_name_a_remedial_course(tree):
    copy_course(tree, "handle-leads", "manage-deals")
    edit(tree, f"{LEADS}/course.yaml", "remedial: remedial-lead-basics", "remedial: manage-deals")
    line = line_of(tree, f"{LEADS}/course.yaml", "remedial:")
    problem = only_problem(tree)
    assert at(problem) == (path(f"{LEADS}/course.yaml"), line, "remedial")
    assert "kind remedial" in problem.message


def test_remedial_course_has_no_remedial_of_its_own(tree):
    with (tree / REMEDIAL / "course.yaml").open("a") as file:
        file.write("remedial: remedial-lead-basics\n")
    line = line_of(tree, f"{REMEDIAL}/course.yaml", "remedial: remedial-lead-basics")
    found = problems(tree)
    assert at(found[0]) == (path(f"{REMEDIAL}/course.yaml"), line, "remedial")
    assert "no remedial course of its own" in found[0].message
    assert "loop: remedial-lead-basics → remedial-lead-basics" in found[1].message


def test_remedial_links_in_a_loop_report_the_loop(tree):
    copy_course(tree, "handle-leads", "manage-deals")
    edit(tree, f"{LEADS}/course.yaml", "remedial: remedial-lead-basics", "remedial: manage-deals")
    edit(
        tree,
        "courses/manage-deals/course.yaml",
        "remedial: remedial-lead-basics",
        "remedial: handle-leads",
    )
    loops = [problem for problem in problems(tree) if "loop" in problem.message]
    assert len(loops) == 1
    line = line_of(tree, f"{LEADS}/course.yaml", "remedial:")
    assert at(loops[0]) == (path(f"{LEADS}/course.yaml"), line, "remedial")
    assert (
        loops[0].message == "remedial links form a loop: handle-leads → manage-deals → handle-leads"
    )


def test_find_loops_starts_each_loop_at_its_first_slug():
    links = {"c": "a", "a": "b", "b": "c", "d": "a", "e": None, "f": "f"}
    assert find_loops(links) == [["a", "b", "c", "a"], ["f", "f"]]


# Curricula.


def test_curriculum_course_must_exist(tree):
    edit(tree, CURRICULUM, "course: handle-leads", "course: handle-lead")
    line = line_of(tree, CURRICULUM, "course: handle-lead")
    problem = only_problem(tree)
    assert at(problem) == (path(CURRICULUM), line, "courses[0].course")
    assert problem.message == 'unknown course "handle-lead" (did you mean "handle-leads"?)'


def test_curriculum_course_must_be_for_the_role(tree):
    edit(tree, f"{LEADS}/course.yaml", "[sales_rep, marketing]", "[marketing]")
    line = line_of(tree, CURRICULUM, "course: handle-leads")
    problem = only_problem(tree)
    assert at(problem) == (path(CURRICULUM), line, "courses[0].course")
    assert "is not for sales_rep" in problem.message


def test_curriculum_skill_must_be_taught_by_one_of_its_courses(tree):
    edit(tree, CURRICULUM, "skills: [handle-leads]", "skills: [handle-leads, manage-opportunities]")
    line = line_of(tree, CURRICULUM, "skills:")
    problem = only_problem(tree)
    assert at(problem) == (path(CURRICULUM), line, "skills[1]")
    assert "teaches" in problem.message


def test_duplicate_communication_key(tree):
    edit(tree, CURRICULUM, "key: go-live-reminder", "key: welcome")
    line = line_of(tree, CURRICULUM, "key: welcome", after="channel: email")
    assert at(only_problem(tree)) == (path(CURRICULUM), line, "communications[1].key")


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("anchor: go_live", "anchor: launch_day", "communications[1].anchor"),
        ("channel: in_app", "channel: sms", "communications[1].channel"),
        ("offset_days: -7", "offset_days: a week before", "communications[1].offset_days"),
    ],
)
def test_bad_communication_fields(tree, old, new, field):
    edit(tree, CURRICULUM, old, new)
    line = line_of(tree, CURRICULUM, new)
    assert at(only_problem(tree)) == (path(CURRICULUM), line, field)


def test_coaching_target_days_must_be_positive(tree):
    edit(tree, CURRICULUM, "coaching_target_days: 14", "coaching_target_days: 0")
    assert at(only_problem(tree)) == (path(CURRICULUM), 2, "coaching_target_days")


def test_curriculum_folder_holds_only_yaml_files(tree):
    (tree / "curricula" / "marketing.yml").write_text("job_role: marketing\n")
    assert at(only_problem(tree)) == (path("curricula/marketing.yml"), None, "")


# Rollout.


@pytest.mark.parametrize("value", ["soon", "2026-13-45", "2026-09-07 09:00:00", "07/09/2026"])
def test_go_live_must_be_a_date(tree, value):
    edit(tree, "rollout.yaml", "go_live: 2026-09-07", f"go_live: {value}")
    assert at(only_problem(tree)) == (path("rollout.yaml"), 3, "go_live")


# Sanitising lesson HTML.


def test_sanitising_removes_scripts():
    html = render_lesson("Hello\n\n<script>alert('x')</script>\n\n<style>p{}</style>")
    assert "<script" not in html and "alert" not in html and "<style" not in html
    assert "<p>Hello</p>" in html


def test_sanitising_removes_event_handlers():
    html = render_lesson(
        '<img src="https://example.com/a.png" onerror="alert(1)"> <b onclick="x()">b</b>'
    )
    assert "onerror" not in html and "onclick" not in html
    assert 'src="https://example.com/a.png"' in html


def test_sanitising_removes_javascript_links():
    html = render_lesson("[a](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>b</a>")
    assert "href" not in html.lower()  # neither becomes a link; the first stays inert text


def test_sanitising_keeps_formatting_tables_and_safe_links():
    html = render_lesson(
        "**bold** [site](https://example.com) [mail](mailto:help@example.com)\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n"
    )
    assert "<strong>bold</strong>" in html and "<table>" in html and "<pre><code>" in html
    assert 'href="https://example.com"' in html and 'href="mailto:help@example.com"' in html


def test_images_must_come_over_https():
    html = render_lesson("![a](http://example.com/a.png) ![b](https://example.com/b.png)")
    assert "http://example.com/a.png" not in html
    assert 'src="https://example.com/b.png"' in html


def test_lesson_html_in_content_is_sanitised(tree):
    (tree / LEADS / "hand-over.md").write_text(
        "Hand it over.\n\n<script>steal()</script>\n\n<iframe src='https://x.test'></iframe>\n"
    )
    content, found = read_content(tree)
    assert found == []
    html = content.courses[0].lessons[2].body_html
    assert "<script" not in html and "steal" not in html and "<iframe" not in html
