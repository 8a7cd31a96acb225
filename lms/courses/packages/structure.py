"""A package's course structure, read from cmi5.xml (cmi5 section 13) or imsmanifest.xml
(SCORM 1.2 and 2004): the course, its blocks and its launchable units, as plain values.
Pure: no app, no database."""

from dataclasses import dataclass, field

MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")


class PackageError(ValueError):
    """The package cannot be imported; the message names the file and the element (and the
    line, where the XML parser gives one)."""


@dataclass(frozen=True)
class UnitSpec:
    """A cmi5 AU or a SCORM SCO."""

    publisher_id: str  # cmi5 AU id (an IRI); SCORM item identifier
    title: str
    url: str  # relative to the package root, or absolute (cmi5 only), query string kept
    description: str = ""
    move_on: str = "NotApplicable"  # one of MOVE_ON; SCORM units: "CompletedOrPassed"
    mastery_score: float | None = None  # 0..1
    launch_method: str = "AnyWindow"  # or "OwnWindow"
    launch_parameters: str | None = None
    entitlement_key: str | None = None
    activity_type: str | None = None


@dataclass(frozen=True)
class BlockSpec:
    """A cmi5 block: a group of AUs and blocks, satisfied when all of them are."""

    publisher_id: str
    title: str
    description: str = ""
    children: tuple["BlockSpec | UnitSpec", ...] = ()


@dataclass(frozen=True)
class PackageSpec:
    standard: str  # "cmi5" | "scorm12" | "scorm2004"
    publisher_id: str  # cmi5 course id; SCORM manifest identifier
    title: str
    description: str = ""
    children: tuple[BlockSpec | UnitSpec, ...] = ()
    # The files the structure's relative URLs name, each as a path inside the package
    # (SCORM resources' files, cmi5 relative AU URLs without their query strings).
    referenced_files: tuple[str, ...] = field(default=())

    @property
    def units(self) -> tuple[UnitSpec, ...]:
        """Every unit, in document order."""
        return tuple(_units_in(self.children))


def _units_in(children) -> list[UnitSpec]:
    found = []
    for child in children:
        found.extend(_units_in(child.children) if isinstance(child, BlockSpec) else [child])
    return found
