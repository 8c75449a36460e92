"""PDF from HTML with WeasyPrint, reading nothing but the app's static files
(and ``data:`` URIs, whose bytes are in the document itself)."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class StaticOnlyFetcher(URLFetcher):
    """Serve the app's own static files to WeasyPrint, and decode ``data:``
    URIs (such as the firm's logo in a PDF's header); refuse anything else
    (no network, no file outside ``static/``)."""

    def __init__(self, static_root: str | Path) -> None:
        super().__init__()
        self.root = Path(static_root).resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":  # urllib's DataHandler decodes it: nothing is read from outside
            return super().fetch(url, headers)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or self.root not in path.parents or not path.is_file():
            raise ValueError(f"not one of the app's static files: {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def render_pdf(html: str) -> bytes:
    """The PDF of ``html``; relative URLs resolve under ``static/``."""
    static_root = Path(current_app.static_folder)
    return HTML(string=html, base_url=static_root.as_uri() + "/",
                url_fetcher=StaticOnlyFetcher(static_root)).write_pdf()
