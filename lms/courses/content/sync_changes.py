"""What a content sync changed, counted per kind of row, and the helpers that change a row
only where it differs (so a second sync of the same content changes, and counts, nothing)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from lms.database import db

KINDS = (
    "job roles",
    "skills",
    "courses",
    "lessons",
    "quiz questions",
    "quiz choices",
    "practice tasks",
    "curriculum courses",
    "curriculum skills",
    "communications",
    "coaching targets",
    "settings",
)


@dataclass
class Changes:
    created: int = 0
    updated: int = 0
    retired: int = 0  # kept, but no longer offered (courses, lessons, questions, practice tasks)
    removed: int = 0  # deleted (choices, curriculum rows, communications)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.retired + self.removed

    def __str__(self) -> str:
        counts = [(self.created, "created"), (self.updated, "updated")]
        counts += [(self.retired, "retired"), (self.removed, "removed")]
        return ", ".join(f"{count} {label}" for count, label in counts if count)


@dataclass
class SyncReport:
    """Rows created, updated, retired and removed, per kind."""

    changes: dict[str, Changes] = field(default_factory=lambda: {kind: Changes() for kind in KINDS})

    def __getitem__(self, kind: str) -> Changes:
        return self.changes[kind]

    @property
    def total(self) -> int:
        return sum(changes.total for changes in self.changes.values())

    def __str__(self) -> str:
        lines = [f"{kind}: {changes}" for kind, changes in self.changes.items() if changes.total]
        return "\n".join(lines) if lines else "no changes: the database already matched content"


def assign(row, values: dict) -> bool:
    """Set the attributes that differ; whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def replace_members(collection: list, wanted: Iterable) -> bool:
    """Make a many-to-many collection hold exactly `wanted` (order does not matter: the
    link tables keep none); whether it changed."""
    wanted = list(wanted)
    if {id(member) for member in collection} == {id(member) for member in wanted}:
        return False
    collection[:] = wanted
    return True


def upsert(rows: dict, key, make, values: dict, changes: Changes) -> tuple[object, bool]:
    """The row under `key`, created with `make(**values)` when missing, else updated where
    it differs. Counts the change; returns the row and whether anything changed."""
    row = rows.get(key)
    if row is None:
        row = rows[key] = make(**values)
        db.session.add(row)
        changes.created += 1
        return row, True
    if assign(row, values):
        changes.updated += 1
        return row, True
    return row, False


def delete_unwanted(rows: dict, wanted: set, changes: Changes) -> None:
    """Delete the rows whose key is no longer in content."""
    for key, row in rows.items():
        if key not in wanted:
            db.session.delete(row)
            changes.removed += 1


def retire_unwanted(rows: dict, wanted: set, changes: Changes, now: datetime) -> bool:
    """Retire the rows whose key is no longer in content (kept, with what refers to them);
    whether any was retired."""
    retired = False
    for key, row in rows.items():
        if key not in wanted and row.retired_at is None:
            row.retired_at = now
            changes.retired += 1
            retired = True
    return retired
