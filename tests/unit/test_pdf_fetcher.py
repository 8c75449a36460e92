"""The PDFs' URL fetcher: the app's static files and inline ``data:`` URIs
(the firm's logo), nothing else — no file outside ``static/``, no network."""

from __future__ import annotations

import base64

import pytest

from app.letters.pdf import StaticOnlyFetcher


def test_a_static_file_and_a_data_uri_are_served(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG static")
    fetcher = StaticOnlyFetcher(tmp_path)
    assert fetcher.fetch((tmp_path / "logo.png").as_uri()).read() == b"\x89PNG static"
    inline = fetcher.fetch("data:image/png;base64," + base64.b64encode(b"\x89PNG inline").decode())
    assert inline.read() == b"\x89PNG inline" and inline.content_type == "image/png"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/logo.png", "ftp://example.com/x"])
def test_anything_else_is_refused(tmp_path, url):
    with pytest.raises(ValueError):
        StaticOnlyFetcher(tmp_path).fetch(url)
