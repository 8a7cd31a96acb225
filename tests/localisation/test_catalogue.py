"""The translation catalogue keeps up with the code: no word on a page escapes translation,
messages.pot holds every message marked, the compiled catalogues are the ones written, and
the learner's pages are wholly translated into Spanish."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from lms.config import PROJECT_ROOT
from lms.locales import SHIPPED_LOCALES
from tests.localisation.template_text import untranslated

TEMPLATES = PROJECT_ROOT / "lms" / "templates"
TRANSLATIONS = PROJECT_ROOT / "lms" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,  # lms.locales.N_: words of pure modules, translated where shown
}
PROPER_NOUNS = {"Uptake", "· Uptake"}  # the product's name is the same in every language
# The pages a learner uses, which every shipped language translates in full.
LEARNER_TEMPLATES = [
    "base.html",
    "_macros.html",
    "auth/account.html",
    "auth/login.html",
    "auth/set_password.html",
    "auth/sign_in_refused.html",
    "auth/signing_out.html",
    "communications/notifications.html",
    "courses/attempt.html",
    "courses/catalogue.html",
    "courses/course.html",
    "courses/lesson.html",
    "courses/plan.html",
    "courses/quiz.html",
    "packages/course.html",
    "packages/player.html",
]
LEARNER_CODE = [
    "lms/auth/forms.py",
    "lms/auth/preferences.py",
    "lms/auth/views.py",
    "lms/communications/rules.py",
    "lms/communications/milestones.py",
    "lms/communications/schedule.py",
    "lms/courses/next_step.py",
    "lms/courses/packages/views.py",
    "lms/courses/progress.py",
    "lms/courses/rules.py",
    "lms/extensions.py",
]


def read_catalogue(path: Path, locale=None):
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def marked_messages() -> set:
    with (PROJECT_ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    found = extract_from_dir(PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS)
    return {message for _file, _line, message, _comments, _context in found}


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=str)
def test_every_word_on_a_page_is_translatable(template):
    words = [text for text in untranslated(template.read_text()) if text not in PROPER_NOUNS]
    assert words == [], f"wrap these in {{% trans %}} or _(): {words}"


def test_the_template_of_messages_is_up_to_date():
    pot = read_catalogue(TRANSLATIONS / "messages.pot")
    missing = {m for m in marked_messages() if (m if isinstance(m, str) else m[0]) not in pot}
    assert missing == set(), (
        "run `pybabel extract` and `pybabel update` (README, Languages and time zones): "
        f"{sorted(map(str, missing))[:10]}"
    )


@pytest.mark.parametrize("locale", SHIPPED_LOCALES[1:])
def test_the_compiled_catalogue_is_the_written_one(locale):
    folder = TRANSLATIONS / locale / "LC_MESSAGES"
    written = read_catalogue(folder / "messages.po", locale)
    with (folder / "messages.mo").open("rb") as file:
        compiled = read_mo(file)
    translated = {_key(m.id): _key(m.string) for m in written if m.id and m.string and not m.fuzzy}
    compiled_ones = {_key(m.id): _key(m.string) for m in compiled if m.id}
    assert compiled_ones == translated, "run `pybabel compile`"


def _key(text) -> str | tuple:
    return text if isinstance(text, str) else tuple(text)


def learner_messages() -> set:
    messages = set()
    for name in LEARNER_TEMPLATES:
        found = extract_from_file("jinja2", TEMPLATES / name, keywords=KEYWORDS)
        messages |= {message for _line, message, _comments, _context in found}
    for name in LEARNER_CODE:
        found = extract_from_file("python", PROJECT_ROOT / name, keywords=KEYWORDS)
        messages |= {message for _line, message, _comments, _context in found}
    return messages


@pytest.mark.parametrize("locale", SHIPPED_LOCALES[1:])
def test_the_learners_pages_are_wholly_translated(locale):
    catalogue = read_catalogue(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", locale)
    untranslated_here = []
    for message in learner_messages():
        entry = catalogue.get(message if isinstance(message, str) else message[0])
        strings = entry.string if entry else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            untranslated_here.append(message)
    assert untranslated_here == [], f"not translated into {locale}: {untranslated_here[:10]}"
