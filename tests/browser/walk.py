"""Steps every browser walk takes."""

from tests.conftest import PASSWORD


def log_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    """Through the real log-in form."""
    page.goto(url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in", exact=True).click()
