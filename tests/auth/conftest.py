import pytest


@pytest.fixture
def admin(make_user, login):
    """An administrator, logged in."""
    admin = make_user(name="Ada Admin", roles={"admin"})
    login(admin)
    return admin
