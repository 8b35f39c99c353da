"""Lists a page at a time, and home pages on the current contract year: a list longer than a page is walked to its
end by its Link rel=next with nothing missed or repeated; a bad limit or cursor is a 422 problem naming it; a home
page shows the programmes of the year Corral takes to be now, and a link shows an earlier year's, or every year's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.cli.demo import south_devon, trust_year
from api.http.passwords import DEMO_PASSWORD
from api.http.paging import cursor_of
from domain import ids
from tests.conftest import DATABASES
from tests.e2e.serving import demo_signed_in, serving_demo

TODAY = date(2018, 6, 1)  # inside 2018/19, which the trust's programmes were continued into
TRUST = str(ids.organisation_id(trust_year.TRUST))
ACUTE = str(ids.organisation_id(south_devon.ACUTE))
TRUST_2017 = str(trust_year.programme_id(trust_year.LOCAL, 2017))
SPECIALISED_2017 = str(trust_year.programme_id(trust_year.SPECIALISED, 2017))
NEXT = re.compile(r'^<(?P<url>[^>]+)>; rel="next"$')


@pytest.fixture(scope="module", params=DATABASES)
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The demo served as at a day in 2018/19, shared by this module's read-only tests."""
    with serving_demo(request, tmp_path_factory.mktemp("paging"), "p", today=TODAY) as served:
        yield served


def walked(client: TestClient, url: str, headers: dict[str, str], **params: Any) -> list[list[dict[str, Any]]]:
    """Every page of a list, following each page's Link rel=next until a page has none."""
    pages = []
    answer = client.get(url, params=params, headers=headers)
    while True:
        assert answer.status_code == 200, answer.text
        pages.append(answer.json())
        link = answer.headers.get("Link")
        if link is None:
            return pages
        match = NEXT.match(link)
        assert match is not None, link
        answer = client.get(match["url"], headers=headers)


def test_the_organisations_walked_two_at_a_time_are_the_whole_list_each_once_in_order(client: TestClient) -> None:
    headers = demo_signed_in(client, "sdt-ccg.quality")
    whole = client.get("/api/v1/organisations", headers=headers)

    pages = walked(client, "/api/v1/organisations", headers, limit=2)

    assert "Link" not in whole.headers  # the demo's organisations fit the default page
    assert len(pages) == (len(whole.json()) + 1) // 2 > 3
    assert all(len(page) == 2 for page in pages[:-1]) and 1 <= len(pages[-1]) <= 2
    assert [o for page in pages for o in page] == whole.json()


def test_the_trust_walks_its_dashboard_a_programme_at_a_time_and_asks_for_one_year(client: TestClient) -> None:
    headers = demo_signed_in(client, "mht.quality")
    url = f"/api/v1/providers/{TRUST}/dashboard"
    whole = client.get(url, headers=headers).json()

    pages = walked(client, url, headers, limit=1)
    of_2017 = client.get(url, params={"year": 2017}, headers=headers).json()

    assert [len(page) for page in pages] == [1] * len(whole) and len(whole) >= 4
    assert [d["programme_id"] for page in pages for d in page] == [d["programme_id"] for d in whole]
    assert {d["programme_id"] for d in of_2017} == {TRUST_2017, SPECIALISED_2017}
    assert [d for d in whole if d["contract_year"] == 2017] == of_2017


def test_the_programmes_walked_a_page_at_a_time_keep_to_a_year_when_asked(client: TestClient) -> None:
    headers = demo_signed_in(client, "local-ccg.quality")
    whole = client.get("/api/v1/programmes", headers=headers).json()

    pages = walked(client, "/api/v1/programmes", headers, limit=1)
    of_2018 = walked(client, "/api/v1/programmes", headers, limit=1, year=2018)

    assert [p for page in pages for p in page] == whole and len(whole) >= 2
    assert [p["contract_year"] for page in of_2018 for p in page] == [2018]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"cursor": "not a cursor"}, "cursor"),
        ({"cursor": cursor_of((2017,))}, "cursor"),  # a place in another kind of list
        ({"cursor": cursor_of(("Torbay", "torbay", "id"))}, "cursor"),  # a name where the year should be
        ({"year": 1999}, "year"),
    ],
)
def test_a_bad_limit_cursor_or_year_is_a_422_problem_that_names_it(
    client: TestClient, params: dict[str, Any], named: str
) -> None:
    headers = demo_signed_in(client, "local-ccg.quality")

    answer = client.get("/api/v1/programmes", params=params, headers=headers)

    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    assert named in answer.text


def page_of(client: TestClient, username: str, path: str) -> str:
    """The page at `path`, signed in to the pages as the demo user."""
    client.post("/sign-in", data={"username": username, "password": DEMO_PASSWORD, "next": "/"})
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    return answer.text


def programmes_on(page: str) -> set[str]:
    """The programmes a page has a section or a link of its own for."""
    return set(re.findall(r'(?:id="programme-|href="/programmes/)([0-9a-f-]{36})"', page))


def test_the_trusts_home_shows_this_years_programmes_and_a_link_shows_last_years(client: TestClient) -> None:
    this_year = page_of(client, "mht.quality", "/home")
    link = re.search(r'<a href="(\?year=2017)">2017/18</a>', this_year)
    assert link is not None and 'aria-current="page"><strong>2018/19</strong>' in this_year
    last_year = page_of(client, "mht.quality", f"/home{link[1]}")
    every_year = page_of(client, "mht.quality", "/home?year=all")

    assert TRUST_2017 not in programmes_on(this_year) and len(programmes_on(this_year)) >= 2
    assert programmes_on(last_year) == {TRUST_2017, SPECIALISED_2017}
    assert programmes_on(every_year) == programmes_on(this_year) | programmes_on(last_year)


def test_the_commissioners_home_lists_its_programmes_of_this_year_with_earlier_years_a_link_away(
    client: TestClient,
) -> None:
    this_year = page_of(client, "local-ccg.quality", "/home")
    last_year = page_of(client, "local-ccg.quality", "/home?year=2017")

    assert TRUST_2017 not in programmes_on(this_year) and programmes_on(this_year)
    assert 'href="?year=2017"' in this_year and 'aria-current="page"><strong>2018/19</strong>' in this_year
    assert programmes_on(last_year) == {TRUST_2017}


def test_a_home_page_with_nothing_this_year_shows_its_latest_year_before(client: TestClient) -> None:
    home = page_of(client, "sdhft.quality", "/home")  # South Devon's acute trust took part in 2014/15 alone

    assert "South Devon and Torbay 2014/15" in home and "Milestones due" in home


def test_a_list_page_links_to_its_next_page_until_the_last(client: TestClient) -> None:
    first = page_of(client, "local-ccg.quality", "/programmes?limit=1")
    following = re.search(r'<a href="(\?[^"]*cursor=[^"]+)" rel="next">Next page</a>', first)
    assert following is not None
    second = page_of(client, "local-ccg.quality", f"/programmes{following[1].replace('&amp;', '&')}")

    assert programmes_on(first).isdisjoint(programmes_on(second)) and programmes_on(second)
    assert "First page" in second
