"""The next year in plain English: a programme continued into the next contract year."""

from __future__ import annotations

from domain.programme import Programme
from projections.audit.context import Lookup
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import programme_named, who


@describes(Programme.Continued)
def _continued(e: Programme.Continued, lookup: Lookup) -> Described:
    earlier, following = programme_named(lookup, e.originator_id), programme_named(lookup, e.next_programme_id)
    text = f"{who(e, lookup)} continued {earlier} into {following}, its schemes carried forward as drafts"
    return about(context_of(e, lookup), text)
