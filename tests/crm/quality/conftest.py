"""Fixtures of the data-quality tests: the rules Uptake ships, read as the app reads them."""

import pytest

from lms.config import PROJECT_ROOT
from lms.crm.quality import rules as q
from lms.crm.quality.content import read_quality_rules

SHIPPED = PROJECT_ROOT / "content" / "crm" / "data_quality.yaml"


@pytest.fixture(scope="session")
def rules() -> q.QualityRules:
    """content/crm/data_quality.yaml (reading it raises if it has any problem)."""
    return read_quality_rules(SHIPPED)


def check_of(rules: q.QualityRules, key: str) -> q.Check:
    """The shipped check with this key."""
    object_rules = rules.objects[key.split(".", 1)[0]]
    return next(check for check in object_rules.checks if check.key == key)
