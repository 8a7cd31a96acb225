"""Steps every browser walk takes."""

from pathlib import Path

from sqlalchemy import select

from lms.auth.models import User
from lms.auth.services import get_job_role, get_or_create_division
from lms.clock import today, utcnow
from lms.courses.curricula import assign_curricula
from lms.courses.models import Course
from lms.courses.progress import current_questions
from lms.database import db
from tests.conftest import FAST_HASH, PASSWORD


def person(email: str, name: str, job_role: str, roles=frozenset()) -> User:
    """A learner (and `roles`) in North who logs in with PASSWORD, not added yet."""
    user = User(
        email=email,
        name=name,
        job_role=get_job_role(job_role),
        division=get_or_create_division("North"),
        hire_date=today(),
        password_hash=FAST_HASH,
    )
    user.set_roles({"learner", *roles})
    return user


def add_person(
    live_server, email: str, name: str, job_role: str, roles=frozenset(), *, plan: bool = False
) -> str:
    """Someone more on the live server's database (with their role's curricula when `plan`):
    their e-mail, to log in with."""
    with live_server.app.app_context():
        user = person(email, name, job_role, roles)
        db.session.add(user)
        if plan:
            db.session.flush()
            assign_curricula([user], now=utcnow())
        db.session.commit()
        db.session.remove()
    return email


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    """Through the real log-in form."""
    page.goto(url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()


def log_out(page) -> None:
    """From the menu under the person's name."""
    page.locator(".account-menu summary").click()
    page.get_by_role("button", name="Log out", exact=True).click()


def go_to(page, name: str) -> None:
    """Follow a main-menu link, unfolding the menu first where it folds (on a phone)."""
    toggle = page.get_by_role("button", name="Menu")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()


def go_to_own(page, name: str) -> None:
    """Follow a link of the menu under the person's name (Notifications, Feedback, Account)."""
    page.locator(".account-menu summary").click()
    page.get_by_role("navigation", name="Account").get_by_role("link", name=name).click()


def finish_lessons(page, url: str, slug: str) -> None:
    """Start the course from its page and mark every lesson done, on to its quiz."""
    page.goto(f"{url}/courses/{slug}")
    page.get_by_role("button", name="Start course").click()
    while page.get_by_role("button", name="Mark done and continue").count():
        page.get_by_role("button", name="Mark done and continue").click()
    page.get_by_role("button", name="Mark done and go to the quiz").click()


def quiz_answers(live_server, slug: str, *, right: bool) -> list[tuple[str, str]]:
    """(question key, choice key) pairs to tick for the course's quiz: every right choice, or
    one wrong one, of every question in its pool."""
    with live_server.app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        ticks = []
        for question in current_questions(course):
            keys = [choice.key for choice in question.choices if choice.correct == right]
            ticks += [(question.key, key) for key in (keys if right else keys[:1])]
        return ticks


def answer_quiz(page, ticks) -> None:
    """Tick the choices of the questions this attempt shows (drawn from the pool)."""
    for question, choice in ticks:
        box = page.locator(f"input[name='q-{question}'][value='{choice}']")
        if box.count():
            box.check()
    page.get_by_role("button", name="Submit answers").click()


# axe-core from npm (tests/browser/axe, installed by `make browser-deps`): the rules of WCAG
# 2.1 A and AA that a page's own markup can break.
AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """async () => {
  const found = await axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]});
  return found.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at `
    + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""


def accessibility_violations(page) -> list[str]:
    """axe-core's violations on the page as it stands (the walk's context needs bypass_csp:
    the page's Content-Security-Policy would refuse the injected script)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN)


NO_SIDEWAYS = "document.scrollingElement.scrollWidth <= window.innerWidth"


def assert_fits_and_meets_wcag(page) -> None:
    """The page as it stands scrolls only up and down, and axe-core finds no violation."""
    page.wait_for_load_state()
    width = page.evaluate("document.scrollingElement.scrollWidth")
    screen = page.viewport_size["width"]
    assert page.evaluate(NO_SIDEWAYS), f"{page.url} is {width}px wide on a {screen}px screen"
    assert accessibility_violations(page) == [], page.url
