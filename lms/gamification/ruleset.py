"""The gamification rules in force: read from content/gamification (CONTENT_DIR) and kept
until the files change, so every process of an installation applies the same rules."""

import threading
import time
from pathlib import Path

from flask import current_app

from lms.courses.content.reading import read_content
from lms.courses.content.yaml_fields import ContentProblem
from lms.errors import DomainError
from lms.gamification.content.reading import GamificationContent
from lms.gamification.rules import Ruleset

RECHECK_S = 1.0  # how stale the rules in force may be after a content file changes
_lock = threading.Lock()
_cache: dict[str, tuple[tuple, GamificationContent]] = {}
_checked_at: dict[str, float] = {}


class RulesInvalid(DomainError):
    """content/ has problems: nothing is awarded by rules that cannot be read whole."""

    def __init__(self, problems: list[ContentProblem]):
        shown = "; ".join(str(problem) for problem in problems[:3])
        super().__init__(f"{len(problems)} problem(s) in content ({shown}); run lms content check")
        self.problems = problems


def current_ruleset() -> Ruleset:
    return current_gamification().ruleset


def current_gamification() -> GamificationContent:
    """content/gamification as last read; read again when any content file changed (the
    badge criteria name courses and skills, so the whole of content/ is checked), which is
    noticed within RECHECK_S."""
    folder = Path(current_app.config["CONTENT_DIR"])
    with _lock:
        cached = _cache.get(str(folder))
        now = time.monotonic()
        if cached is not None and now - _checked_at.get(str(folder), 0.0) < RECHECK_S:
            return cached[1]
        stamp = _stamp(folder)  # ~60 files: looked at once a second, not on every statement
        _checked_at[str(folder)] = now
        if cached is not None and cached[0] == stamp:
            return cached[1]
        content, problems = read_content(folder)
        if problems:
            raise RulesInvalid(problems)
        _cache[str(folder)] = (stamp, content.gamification)
        return content.gamification


def _stamp(folder: Path) -> tuple:
    """What changes when a file that rules depend on changes: each YAML file's time and size."""
    files = sorted(folder.glob("**/*.yaml"))
    return tuple((str(path), path.stat().st_mtime_ns, path.stat().st_size) for path in files)
