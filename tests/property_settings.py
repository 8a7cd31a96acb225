"""How long the property tests search: a bounded number of examples in `make test`, more when
an environment variable asks for it. Nothing is written into the work tree."""

import os

from hypothesis import HealthCheck, settings


def bounded(variable: str, default: int) -> settings:
    """Hypothesis settings running `$variable` examples (else `default`) per test."""
    return settings(
        max_examples=int(os.environ.get(variable, str(default))),
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
