"""Rules that span course files: where remedial links may point."""

from lms.courses.content.courses import CourseReading

REMEDIAL = "remedial"


def check_remedial_links(readings: dict[str, CourseReading | None]) -> None:
    """A remedial link names an existing course of kind remedial; a remedial course has no
    remedial of its own; and links never loop (a learner would be sent round for ever).

    `readings` has every course folder; None for one whose course.yaml could not be read."""
    by_slug = {slug: reading for slug, reading in readings.items() if reading is not None}
    # The kind of a course with problems of its own is not trusted (None: unknown).
    kinds = {
        slug: reading.course.kind if reading and reading.clean else None
        for slug, reading in readings.items()
    }
    for reading in by_slug.values():
        _check_link(reading, kinds)
    links = {slug: reading.course.remedial for slug, reading in by_slug.items()}
    for loop in find_loops(links):
        by_slug[loop[0]].remedial_field.report("remedial links form a loop: " + " → ".join(loop))


def _check_link(reading: CourseReading, kinds: dict[str, str | None]) -> None:
    course, field = reading.course, reading.remedial_field
    if course.remedial is None:
        return
    if course.kind == REMEDIAL:
        field.report("a remedial course has no remedial course of its own")
    elif course.remedial not in kinds:
        field.report(
            f'there is no course "{course.remedial}" (no folder courses/{course.remedial})'
        )
    elif kinds[course.remedial] not in (REMEDIAL, None):
        field.report(
            f'"{course.remedial}" is a {kinds[course.remedial]} course; '
            "a remedial link must name a course of kind remedial"
        )


def find_loops(links: dict[str, str | None]) -> list[list[str]]:
    """Every cycle in a graph where each node links to at most one other, written from its
    alphabetically first node round to that node again, e.g. ["a", "b", "a"]."""
    loops: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(links):
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in done and node not in path:
            path.append(node)
            node = links.get(node)
        if node is not None and node in path:
            loops.append(_from_smallest(path[path.index(node) :]))
        done.update(path)
    return loops


def _from_smallest(cycle: list[str]) -> list[str]:
    first = cycle.index(min(cycle))
    rotated = cycle[first:] + cycle[:first]
    return [*rotated, rotated[0]]
