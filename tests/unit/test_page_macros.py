"""The form macros write the attributes they are given as attributes, escaped once, never as text."""

from __future__ import annotations

from web.pages.rendering import environment

INPUT = environment.from_string(
    '{% from "_macros.html" import input %}'
    '{{ input(none, "evidence", "numerator", "Numerator", required="Enter the numerator", attributes=attributes) }}'
)


def test_an_inputs_extra_attributes_are_written_whole_with_their_quotes_escaped() -> None:
    html = INPUT.render(attributes={"inputmode": "decimal", "data-number": 'Enter "92", not "ninety" & the like'})

    assert ' inputmode="decimal"' in html
    assert ' data-number="Enter &#34;92&#34;, not &#34;ninety&#34; &amp; the like"' in html
    assert ' data-required="Enter the numerator"' in html


def test_an_input_without_extra_attributes_has_none() -> None:
    html = INPUT.render(attributes={})

    assert "inputmode" not in html and "data-number" not in html
