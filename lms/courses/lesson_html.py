"""Lesson Markdown to safe HTML: rendered as CommonMark (plus tables and strikethrough, as
git hosting shows it, so a lesson reviewed in git looks the same in Uptake), then sanitised
with `nh3`."""

import nh3
from markdown_it import MarkdownIt

# Raw HTML is rendered and then sanitised, so authors may use e.g. <kbd>.
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "em", "b", "i", "u", "s", "del", "sub", "sup", "small", "mark", "abbr",
    "code", "pre", "kbd", "blockquote",
    "ul", "ol", "li", "dl", "dt", "dd",
    "a", "img",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start"},
    # The tables extension aligns columns with an inline style; only text-align survives.
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
}
# Removed together with everything inside them, not just unwrapped.
REMOVED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "noscript", "template"}
LINK_SCHEMES = {"http", "https", "mailto"}


def render_lesson(text: str) -> str:
    """A lesson's Markdown as HTML that is safe to show as it is."""
    return sanitise(MARKDOWN.render(text))


def sanitise(html: str) -> str:
    """Keep ordinary formatting, tables, http/https/mailto links and https images; drop
    scripts, styles, frames, event handlers and `javascript:` URLs."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_https_images,
        url_schemes=LINK_SCHEMES,
        filter_style_properties={"text-align"},
    )


def _only_https_images(tag: str, attribute: str, value: str) -> str | None:
    """Images load without a click, so they must come over https (no tracking over http,
    no mixed content)."""
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None
    return value
