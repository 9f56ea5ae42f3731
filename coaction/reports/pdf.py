"""The report as PDF, drawn by WeasyPrint from the same HTML as the page, with the site's own stylesheets read from
disk. Nothing is fetched while drawing: every resource the HTML could name is refused, so no text in a report can
make the server read a file or reach another host."""

from __future__ import annotations

import logging
import re
from pathlib import Path

from coaction.config import ROOT

CSS_DIR = ROOT / "static" / "css"
STYLESHEETS = (CSS_DIR / "site.css", CSS_DIR / "charts.css", CSS_DIR / "report-print.css")
SVG_OPENING = re.compile(r"(<svg\b[^>]*>)")
# WeasyPrint names every screen-only rule of the site's stylesheet it skips: noise in the server's log.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def _refusing_fetcher():
    from weasyprint.urls import URLFetcher

    class RefuseAll(URLFetcher):
        def fetch(self, url, headers=None):
            raise ValueError(f"the report's PDF loads nothing: {url[:80]}")

    return RefuseAll()


def with_chart_styles(html: str) -> str:
    """WeasyPrint draws an inline SVG as an image of its own, which reads only the styles inside it."""
    styles = f"<style>{(CSS_DIR / 'charts.css').read_text(encoding='utf-8')}</style>"
    return SVG_OPENING.sub(lambda opening: opening.group(1) + styles, html)


def html_to_pdf(html: str, stylesheets: tuple[Path, ...] = STYLESHEETS) -> bytes:
    from weasyprint import CSS, HTML  # imported on use: it loads Pango, which only the PDF needs

    fetcher = _refusing_fetcher()
    sheets = [CSS(string=sheet.read_text(encoding="utf-8"), url_fetcher=fetcher) for sheet in stylesheets]
    return HTML(string=with_chart_styles(html), url_fetcher=fetcher).write_pdf(stylesheets=sheets)
