"""Pages in the person's language and time zone, and the account form that sets them."""

from datetime import datetime

import pytest

from lms.courses import progress
from lms.courses.enrolment import assign_course
from tests.courses.conftest import lessons_of

LATE = datetime(2026, 12, 6, 23, 30)  # naive UTC, as stored


@pytest.fixture
def company_default(app):
    """Set the company's defaults for one test."""
    saved = {key: app.config[key] for key in ("DEFAULT_LOCALE", "DEFAULT_TIME_ZONE")}

    def set_defaults(**settings):
        app.config.update(settings)

    yield set_defaults
    app.config.update(saved)


def page(client, url, **headers) -> str:
    return client.get(url, headers=headers).get_data(as_text=True)


def test_sign_in_follows_the_browsers_language(client):
    assert "Iniciar sesión" in page(client, "/login", **{"Accept-Language": "es-ES,es;q=0.9"})
    assert "Log in" in page(client, "/login", **{"Accept-Language": "fr, en;q=0.5"})


def test_the_company_default_beats_the_browser(client, company_default):
    company_default(DEFAULT_LOCALE="en")
    assert "Log in" in page(client, "/login", **{"Accept-Language": "es"})


def test_the_persons_language_beats_the_company_default(client, login, make_user, company_default):
    company_default(DEFAULT_LOCALE="en")
    person = make_user()
    person.locale = "es"
    login(person)
    assert "Mi plan" in page(client, "/", **{"Accept-Language": "en"})


def test_activity_late_in_utc_is_shown_on_the_next_day_in_tokyo(client, login, make_user, course):
    learner = make_user()
    learner.time_zone = "Asia/Tokyo"
    enrollment = assign_course(learner, course("lead-to-order"), now=LATE, due_on=None)
    progress.complete_lesson(enrollment, lessons_of(enrollment.course, learner)[0], now=LATE)
    login(learner)
    history = page(client, f"/people/{learner.id}/activity")
    assert '<time datetime="2026-12-06T23:30:00Z">Dec 7, 2026, 8:30\u202fAM</time>' in history
    assert "Dec 6, 2026" not in history


def test_the_company_time_zone_applies_to_who_chose_none(
    client, login, make_user, course, company_default
):
    company_default(DEFAULT_TIME_ZONE="America/New_York")
    learner = make_user()
    enrollment = assign_course(learner, course("lead-to-order"), now=LATE, due_on=None)
    progress.complete_lesson(enrollment, lessons_of(enrollment.course, learner)[0], now=LATE)
    login(learner)
    assert "Dec 6, 2026, 6:30\u202fPM" in page(client, f"/people/{learner.id}/activity")


def choose(client, **fields):
    data = {f"preferences-{name}": value for name, value in fields.items()}
    return client.post("/account/preferences", data=data)


def test_a_person_chooses_spanish_and_tokyo(client, login, make_user):
    person = make_user()
    login(person)
    response = choose(client, locale="es", time_zone="Asia/Tokyo")
    assert response.status_code == 302
    assert (person.locale, person.time_zone) == ("es", "Asia/Tokyo")
    account = page(client, "/account")
    assert "Idioma y zona horaria" in account
    assert '<option selected value="Asia/Tokyo">' in account


def test_the_company_default_is_chosen_with_the_empty_choice(client, login, make_user):
    person = make_user()
    person.locale, person.time_zone = "es", "Asia/Tokyo"
    login(person)
    assert choose(client, locale="", time_zone="").status_code == 302
    assert (person.locale, person.time_zone) == (None, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"locale": "fr", "time_zone": ""}, "Choose one of the languages listed."),
        ({"locale": "", "time_zone": "Mars/Olympus"}, "Choose a time zone from the list"),
    ],
)
def test_a_bad_choice_is_refused_naming_the_field(client, login, make_user, fields, message):
    person = make_user()
    login(person)
    response = choose(client, **fields)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    field = next(name for name, value in fields.items() if value)
    assert f'id="preferences-{field}-error">{message}' in html
    assert (person.locale, person.time_zone) == (None, None)


def test_words_of_pure_modules_are_translated_where_shown(client, login, make_user, course):
    """Course kinds, course statuses and notification kinds are named in English by their
    rules (lms.locales.N_) and shown in the reader's language."""
    learner = make_user()
    learner.locale = "es"
    assign_course(learner, course("lead-to-order"), now=LATE, due_on=None)
    login(learner)
    catalogue = page(client, "/courses")
    assert "Procesos de negocio" in catalogue and "Business process" not in catalogue
    assert "sin empezar" in catalogue and "not started" not in catalogue
    plan = page(client, "/")
    assert "Procesos de negocio" in plan
