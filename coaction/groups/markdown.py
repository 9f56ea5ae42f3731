"""Minutes are written in Markdown and shown as HTML that can do no harm: markdown-it renders without raw HTML,
then nh3 (a maintained sanitiser) keeps only the tags and attributes minutes need and only http(s) and mailto
links. Pure: text in, markup out."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

TAGS = {"p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "pre", "hr",
        "table", "thead", "tbody", "tr", "th", "td"}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "ol": {"start"}}
SCHEMES = {"http", "https", "mailto"}
_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str | None) -> Markup:
    html = _renderer.render(text or "")
    # Headings start at h2 (the page has its h1); links get rel so that they carry nothing along.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    cleaned = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel="noopener noreferrer")
    return Markup(cleaned)  # noqa: S704  # nosec B704 (sanitised by nh3 just above)
