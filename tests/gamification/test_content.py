"""Problems in content/gamification are named by file, line and field."""

import shutil

import pytest

from lms.config import PROJECT_ROOT
from lms.courses.content.reading import read_content


@pytest.fixture
def content_copy(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", folder)
    return folder


def problems_after(folder, name: str, old: str, new: str) -> list[str]:
    path = folder / "gamification" / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    _, problems = read_content(folder)
    return [str(problem) for problem in problems]


def line_of(folder, name: str, text: str) -> int:
    lines = (folder / "gamification" / name).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_the_shipped_content_has_no_problems(content_copy):
    assert read_content(content_copy)[1] == []


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("    points: 5\n", "    points: 0\n", "points", "must be 1 or more"),
        ("    daily_cap: 20\n", "    daily_cap: lots\n", "daily_cap", ""),
        ("    cap: 100\n", "    cap: 0\n", "cap", "must be 1 or more"),
        ("    min_score: 1.0\n", "    min_score: 9\n", "min_score", "between 0 and 1"),
        ("    source: lms\n", "    source: crm\n", "source", "client:<LRS client name>"),
        ("    per: statement\n", "    per: week\n", "per", ""),
        (
            "    scale_by: first_attempt_score",
            "    scale_by: best_score",
            "scale_by",
            'unknown scale_by "best_score"',
        ),
    ],
)
def test_points_problems_name_file_line_and_field(content_copy, old, new, field, message):
    found = problems_after(content_copy, "points.yaml", old, new)
    line = line_of(content_copy, "points.yaml", new.strip())
    assert len(found) == 1, found
    assert "gamification/points.yaml" in found[0] and f":{line}" in found[0]
    assert field in found[0] and message in found[0]


def test_levels_must_rise(content_copy):
    found = problems_after(content_copy, "levels.yaml", "  points: 300\n", "  points: 50\n")
    assert len(found) == 1 and "levels.yaml" in found[0] and "more points" in found[0]
