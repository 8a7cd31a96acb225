"""The coaching board: the people a coach coaches × the skills their roles require, each
cell showing the step reached and how long the next one has waited. A fixed number of
queries however many people and skills."""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from lms.auth.models import User
from lms.coaching import queries, rules
from lms.coaching.models import CoachingSignOff
from lms.courses.models import Skill
from lms.crm.evidence import MONITORED_DAYS, records_changed_lately
from lms.practice.services import SkillPractice, practice_by_skill

FILTERS = {"ready": "Ready for my sign-off", "overdue": "Overdue"}


@dataclass(frozen=True)
class Cell:
    """One learner's progress in one skill, as the viewer sees it."""

    skill: Skill
    reached: int  # steps signed, 0 to 4
    next_step: int | None
    waiting_since: datetime | None
    days_waiting: int | None
    is_overdue: bool
    can_sign: bool  # the viewer may sign the next step (manager or delegate, and proficient)
    last: CoachingSignOff | None  # the latest live sign-off
    practice: SkillPractice | None = None  # the practice tasks of the skill, where there are
    # At the monitoring step: records of the skill's CRM objects the learner last changed in
    # the live CRM lately (None when Uptake cannot see the skill in CRM records).
    recent_records: int | None = None
    recent_days: ClassVar[int] = MONITORED_DAYS

    @property
    def practice_pending(self) -> bool:
        """The practice step is next and the learner has practice tasks still to pass."""
        return (
            self.next_step == rules.PRACTICE_STEP
            and self.practice is not None
            and not self.practice.done
        )

    @property
    def is_ready(self) -> bool:
        """Ready for my sign-off: I may sign the next step and the learner is waiting for it
        (at the practice step, with their practice passed)."""
        return self.can_sign and self.waiting_since is not None and not self.practice_pending


@dataclass(frozen=True)
class BoardRow:
    person: User
    cells: list[Cell | None]  # None where the person's role does not require the skill


@dataclass(frozen=True)
class Board:
    skills: list[Skill]
    rows: list[BoardRow]
    shown: str | None  # the filter applied, a key of FILTERS
    total: int  # people before filtering


@dataclass(frozen=True)
class ReadyGroup:
    """People ready for the viewer's sign-off of the same step of the same skill: signed
    together on one page (each still checked against every rule)."""

    skill: Skill
    step: int
    people: list[User]


def ready_groups(board: Board, *, least: int = 2) -> list[ReadyGroup]:
    """The board's ready cells grouped by skill and step, groups of at least `least` people,
    in the board's skill order then by step."""
    groups: dict[tuple[int, int], ReadyGroup] = {}
    for row in board.rows:
        for cell in row.cells:
            if cell is not None and cell.is_ready and cell.next_step is not None:
                key = (cell.skill.id, cell.next_step)
                groups.setdefault(key, ReadyGroup(cell.skill, cell.next_step, [])).people.append(
                    row.person
                )
    order = {skill.id: index for index, skill in enumerate(board.skills)}
    chosen = [group for group in groups.values() if len(group.people) >= least]
    return sorted(chosen, key=lambda group: (order[group.skill.id], group.step))


@dataclass(frozen=True)
class CoachFacts:
    """What the viewer brings to every cell: whom they manage, coach, and can coach in."""

    viewer: User
    delegated_learner_ids: frozenset[int]
    proficient_skill_ids: set[int]

    def may_sign(self, learner: User, skill: Skill) -> bool:
        is_theirs = learner.manager_id == self.viewer.id or learner.id in self.delegated_learner_ids
        return is_theirs and skill.id in self.proficient_skill_ids and learner.active


def coach_facts(viewer: User, *, now: datetime) -> CoachFacts:
    return CoachFacts(
        viewer,
        queries.delegated_learner_ids(viewer),
        queries.proficient_skill_ids(viewer, now=now),
    )


def progress_cells(
    learners: list[User], facts: CoachFacts, now: datetime
) -> dict[int, dict[int, Cell]]:
    """Cells by learner id and skill id, for the skills each learner's role requires."""
    ids = [learner.id for learner in learners]
    roles = {learner.job_role_id for learner in learners}
    skills, targets = queries.required_skills(roles), queries.coaching_targets(roles)
    live, trained = queries.list_live_steps(ids), queries.training_done_at(ids)
    practice = practice_by_skill(ids)
    changed = records_changed_lately(ids, now=now)
    cells: dict[int, dict[int, Cell]] = {}
    for learner in learners:
        cells[learner.id] = {
            skill.id: _cell(
                learner,
                skill,
                live.get((learner.id, skill.id), []),
                trained.get((learner.id, skill.id)),
                targets.get(learner.job_role_id),
                facts,
                now,
                practice.get((learner.id, skill.id)),
                changed,
            )
            for skill in skills[learner.job_role_id]
        }
    return cells


def _cell(
    learner, skill, live, trained_at, target_days, facts: CoachFacts, now, practice, changed
) -> Cell:
    following = rules.next_step({s.step for s in live})
    last = live[-1] if live else None
    since = rules.waiting_since(following, last.signed_at if last else None, trained_at)
    return Cell(
        skill=skill,
        reached=rules.step_reached({s.step for s in live}),
        next_step=following,
        waiting_since=since,
        days_waiting=rules.days_waiting(since, now),
        is_overdue=rules.is_overdue(since, now, target_days),
        can_sign=following is not None and facts.may_sign(learner, skill),
        last=last,
        practice=practice,
        recent_records=sum(changed.get((learner.id, obj), 0) for obj in skill.crm_objects)
        if following == rules.LAST_STEP and skill.crm_objects
        else None,
    )


def get_board(viewer: User, *, shown: str | None, now: datetime) -> Board:
    """The viewer's coachees × the union of their required skills. `shown="ready"` keeps the
    people with a step ready for the viewer's sign-off; "overdue" those with an overdue step."""
    learners = queries.list_coachees(viewer)
    cells = progress_cells(learners, coach_facts(viewer, now=now), now)
    skills = _columns(learners, cells)
    rows = [
        BoardRow(learner, [cells[learner.id].get(skill.id) for skill in skills])
        for learner in learners
    ]
    if shown in FILTERS:
        rows = [row for row in rows if any(_matches(cell, shown) for cell in row.cells)]
    return Board(skills, rows, shown if shown in FILTERS else None, len(learners))


def _matches(cell: Cell | None, shown: str) -> bool:
    if cell is None:
        return False
    return cell.is_ready if shown == "ready" else cell.is_overdue


def _columns(learners: list[User], cells: dict[int, dict[int, Cell]]) -> list[Skill]:
    """Every skill any coachee needs, in the order the first role to need it lists it."""
    skills: dict[int, Skill] = {}
    for learner in learners:
        for cell in cells[learner.id].values():
            skills.setdefault(cell.skill.id, cell.skill)
    return list(skills.values())
