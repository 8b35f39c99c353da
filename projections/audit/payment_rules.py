"""Payment rules in plain English: a programme adopting another version, and what it changes."""

from __future__ import annotations

from domain.programme import Programme
from projections.audit.context import Lookup
from projections.audit.describe import Described, about, context_of, describes
from projections.audit.phrasing import programme_named, who


@describes(Programme.PaymentRulesAdopted)
def _payment_rules_adopted(e: Programme.PaymentRulesAdopted, lookup: Lookup) -> Described:
    text = (
        f"{who(e, lookup)} adopted the {e.rules.version} payment rules in {programme_named(lookup, e.originator_id)}"
        f" ({'; '.join(e.rules.terms)}); closed quarters keep their values unless restated"
    )
    return about(context_of(e, lookup), text, e.reason)
