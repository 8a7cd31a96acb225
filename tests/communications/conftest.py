"""Helpers for communication tests: mail back-ends switched on for one test, and the
notifications a person has."""

import pytest
from sqlalchemy import select

from lms.communications.models import Notification
from lms.database import db


@pytest.fixture
def mail_config(app, tmp_path):
    """Switch e-mail on (the file back-end in tmp_path) for one test; yields the directory."""
    keys = ("MAIL_BACKEND", "MAIL_FILE_DIR")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=tmp_path / "mail")
    yield tmp_path / "mail"
    app.config.update(saved)


def keys_of(person) -> list[str]:
    return sorted(
        db.session.scalars(select(Notification.key).where(Notification.user_id == person.id))
    )
