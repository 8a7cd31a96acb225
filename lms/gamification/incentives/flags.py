"""What HR sees flagged for a period before granting a reward for it: suspicious bursts
(bursts.py) and quiz passes too fast to have been read (fast_passes.py). Those of the person
a grant would go to are shown again beside the grant: a warning, not a block — HR decides."""

from dataclasses import dataclass
from datetime import datetime

from lms.gamification.incentives.bursts import Burst, list_period_bursts
from lms.gamification.incentives.fast_passes import FastPass, list_fast_passes


@dataclass(frozen=True)
class PeriodFlags:
    bursts: list[Burst]
    fast: list[FastPass]
    pace: float | None  # the reading pace fast passes are judged by; None when none is asked

    def of(self, user_id: int | None) -> "PeriodFlags":
        """Only this person's flags."""
        return PeriodFlags(
            [b for b in self.bursts if b.person.id == user_id],
            [f for f in self.fast if f.person.id == user_id],
            self.pace,
        )

    def __bool__(self) -> bool:
        return bool(self.bursts or self.fast)


def list_period_flags(
    start: datetime, end: datetime, pace: float | None, people: set[int] | None = None
) -> PeriodFlags:
    """The flags of [start, end), of these people when given."""
    return PeriodFlags(
        list_period_bursts(start, end, people), list_fast_passes(start, end, pace, people), pace
    )
