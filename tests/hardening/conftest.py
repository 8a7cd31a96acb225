from tests.xapi.conftest import lrs_headers, make_client  # noqa: F401  (the LRS fixtures)
