"""Words a template shows that no translation covers: text between tags (and between Jinja
statements) outside `{% trans %}` blocks, and the words of attributes people read (alt,
title, placeholder, aria-label, data-confirm) when they are written out rather than
`{{ _('…') }}`."""

import re

PIECES = re.compile(
    r"(?P<comment>\{#.*?#\})"
    r"|(?P<statement>\{%-?\s*(?P<keyword>\w+).*?-?%\})"
    r"|(?P<expression>\{\{.*?\}\})"
    r"|(?P<html_comment><!--.*?-->)"
    r"|(?P<tag><[/!a-zA-Z](?:[^<>{]|\{[{%#].*?[}%#]\}|\{)*>)",
    re.DOTALL,
)
KINDS = ("comment", "statement", "expression", "html_comment", "tag")
READ_ATTRIBUTES = re.compile(
    r"""\b(alt|title|placeholder|aria-label|data-confirm)="([^"{]*[A-Za-z][^"{]*)\""""
)
WORDS = re.compile(r"[A-Za-z]{2,}")
UNREAD_ELEMENTS = ("script", "style", "code", "pre")


def pieces(source: str):
    """(kind, text) for every piece of the template in order: comment, statement (with its
    keyword), expression, html_comment, tag or text."""
    at = 0
    for match in PIECES.finditer(source):
        if match.start() > at:
            yield "text", source[at : match.start()], None
        kind = next(name for name in KINDS if match.group(name))
        yield kind, match.group(0), match.group("keyword")
        at = match.end()
    if at < len(source):
        yield "text", source[at:], None


def untranslated(source: str) -> list[str]:
    """The words of `source` shown as they are written: [] when every one is translatable."""
    found, in_trans, unread = [], False, []
    for kind, text, keyword in pieces(source):
        if kind == "statement" and keyword == "trans":
            in_trans = True
        elif kind == "statement" and keyword == "endtrans":
            in_trans = False
        elif kind == "tag":
            _track_unread(text, unread)
            found += [words for _name, words in READ_ATTRIBUTES.findall(text)]
        elif kind == "text" and not in_trans and not unread and WORDS.search(text):
            found.append(text.strip())
    return found


def _track_unread(tag: str, unread: list) -> None:
    name = re.match(r"</?([a-zA-Z0-9]+)", tag)
    if not name or name.group(1).lower() not in UNREAD_ELEMENTS:
        return
    if tag.startswith("</"):
        unread and unread.pop()
    else:
        unread.append(name.group(1))
