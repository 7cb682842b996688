"""Turning a letter's HTML into an archival PDF with WeasyPrint (DESIGN.md §6).

WeasyPrint may load only the letter assets that ship with the application (fonts, the
stylesheet, the emblem) and `data:` URIs; anything else a letter names, such as
`file:///etc/passwd`, an http URL or a CSS `@import`, is refused and left out. The font
configuration and the parsed stylesheet are made once per process: rebuilding them for every
letter costs more than the layout itself (LIBRARIES.md).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

ASSETS = (Path(__file__).parent / "assets").resolve()
PDF_VARIANT = "pdf/a-3b"  # archival, and may carry a machine-readable attachment later

log = logging.getLogger(__name__)


class ResourceRefused(ValueError):
    """A letter named a resource outside the bundled assets. WeasyPrint skips the resource,
    logs it, and goes on rendering the rest of the letter."""


class AssetsOnlyFetcher(URLFetcher):
    """Hands WeasyPrint `data:` URIs and files below ASSETS, and nothing else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None):
        if url.lower().startswith("data:") or is_bundled_asset(url):
            return super().fetch(url, headers)
        log.warning("letter resource refused: %.200s", url)
        raise ResourceRefused(f"not a bundled letter asset: {url[:200]}")


def is_bundled_asset(url: str) -> bool:
    """A file: URL that resolves (links and `..` followed) to a file below ASSETS."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(parts.path)).resolve()
    return path.is_relative_to(ASSETS) and path.is_file()


@cache
def _fetcher() -> AssetsOnlyFetcher:
    return AssetsOnlyFetcher()


@cache
def _fonts() -> FontConfiguration:
    return FontConfiguration()


@cache
def _stylesheet() -> CSS:
    # Parsed with the same fetcher: a CSS() built without it would still follow @import.
    return CSS(filename=str(ASSETS / "letter.css"), url_fetcher=_fetcher(),
               font_config=_fonts())


def render_pdf(html: str) -> bytes:
    """The PDF/A of a letter's HTML. Its <title>, <meta name="author">, "description" and
    "keywords" become the PDF's title, author, subject and keywords."""
    document = HTML(string=html, base_url=str(ASSETS) + "/", url_fetcher=_fetcher())
    pdf = document.write_pdf(stylesheets=[_stylesheet()], font_config=_fonts(),
                             pdf_variant=PDF_VARIANT)
    if pdf is None:  # only when given a target to write to
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf
