"""Where a browser goes after signing in: a path on this site, never another site, however the address is written."""

from __future__ import annotations

import pytest

from api.http.session import local_path


@pytest.mark.parametrize("target", ["/home", "/schemes/1/quarters/Q2/board?after=7", "/audit#latest"])
def test_a_path_on_this_site_is_kept(target: str) -> None:
    assert local_path(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "/\t/evil.example",  # a browser drops the tab: //evil.example
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "/\x7f/evil.example",
        "home",
    ],
)
def test_another_site_however_written_becomes_the_home_page(target: str | None) -> None:
    assert local_path(target) == "/"
