"""A download's file name is built from the names of what it holds: ASCII-safe and hyphenated."""

from __future__ import annotations

import pytest

from api.http.exports import file_name


@pytest.mark.parametrize(
    "parts,named",
    [
        (("South Devon and Torbay", "2014/15", "progress"), "South-Devon-and-Torbay-2014-15-progress"),
        (("DPT", "2014-15", "Q1-Q4"), "DPT-2014-15-Q1-Q4"),
        (("Hôpital Saint-Étienne – Soins", "2017/18"), "Hopital-Saint-Etienne-Soins-2017-18"),
        (('Trust "A"; rm -rf /\r\n', "payments"), "Trust-A-rm-rf-payments"),
        (("事務所",), "export"),
    ],
)
def test_a_file_name_keeps_the_words_of_its_names_in_ascii_joined_by_hyphens(
    parts: tuple[str, ...], named: str
) -> None:
    assert file_name(*parts) == named
