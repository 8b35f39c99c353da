"""The terms form read as the body the JSON route takes (`DraftIn` for a new draft, `VariationIn` for a change of
terms): participants ticked, with weights; the providers left out, with reasons; milestone rows, blank ones skipped;
the packs' deadlines. Each path the model or the domain names is found again at its input, named as the page names it
(`milestones.1.measure.maximum` is `Milestone 2 maximum`). Terms as they stand are typed back into the same form."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.milestones import Direction, MeasureUnit, Milestone, Quarter, ThresholdBasis
from domain.scheme_terms import SchemeTerms

ROWS = 3  # blank milestone rows a new form shows
MOST_ROWS = 40
# A milestone row's inputs that, all blank, leave the row out.
TYPED = ("code", "title", "description", "due", "numerator", "denominator", "minimum", "maximum", "baseline")
MEASURE = ("numerator", "denominator", "minimum", "maximum", "direction", "basis", "baseline", "unit")
# What the page calls a milestone's field, and the input it is typed in when that is named otherwise.
WORDS = {"due": "due date", "provider_id": "applies to"}
INPUT_OF = {"provider_id": "applies"}
SCHEME = {"code": "Scheme code", "title": "Title", "description": "Description", "reason": "Why the terms change"}

QUARTERS = [(q.value, q.value) for q in Quarter]
UNITS = [
    (MeasureUnit.PERCENT.value, "Percent (75 is 75%)"),
    (MeasureUnit.FRACTION.value, "Fraction (0.75 is 75%)"),
    (MeasureUnit.NUMBER.value, "Number (a count)"),
]
DIRECTIONS = [
    (Direction.HIGHER_IS_BETTER.value, "Higher is better"),
    (Direction.LOWER_IS_BETTER.value, "Lower is better"),
]
BASES = [
    (ThresholdBasis.ABSOLUTE.value, "The value itself"),
    (ThresholdBasis.POINTS_FROM_BASELINE.value, "Points from the baseline"),
    (ThresholdBasis.CHANGE_FROM_BASELINE.value, "Change from the baseline, as a share of it"),
]
KINDS = [("narrative", "Narrative: judged on the evidence"), ("numeric", "Numeric: a figure against thresholds")]


@dataclass
class DraftForm:
    """The form as typed, and the body it makes; where each participant, exclusion and milestone of the body was typed."""

    values: dict[str, str]
    providers: Sequence[tuple[str, str]]  # the programme's providers: id and name
    rows: int
    body: dict[str, Any] = field(default_factory=dict)
    participants: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    milestone_rows: list[int] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)  # the quarters whose pack deadline is typed

    def placed(self, path: str) -> tuple[str, str]:
        """The input a path names in this form and what the page calls it; the button when it is none of them."""
        parts = path.split(".")
        names = dict(self.providers)
        if parts[0] in SCHEME:
            return parts[0], SCHEME[parts[0]]
        if len(parts) < 2 or not parts[1].isdigit():
            return "submit", ""
        number = int(parts[1])
        inner = parts[3] if len(parts) > 3 and parts[2] == "measure" else (parts[2] if len(parts) > 2 else "code")
        if parts[0] == "milestones" and number < len(self.milestone_rows):
            row = self.milestone_rows[number]
            return f"m{row}-{INPUT_OF.get(inner, inner)}", f"Milestone {row} {WORDS.get(inner, inner)}"
        if parts[0] == "participants" and number < len(self.participants):
            provider = self.participants[number]
            return f"weight-{provider}", f"{names.get(provider, 'Participant')} weight"
        if parts[0] == "exclusions" and number < len(self.excluded):
            provider = self.excluded[number]
            return f"reason-{provider}", f"Why {names.get(provider, 'the provider')} is left out"
        if parts[0] == "pack_deadlines" and number < len(self.deadlines):
            return f"pack-{self.deadlines[number]}", f"{self.deadlines[number]} pack deadline"
        return "submit", ""


def read_form(typed: Mapping[str, str], providers: Sequence[tuple[str, str]]) -> DraftForm:
    """The form typed, as the body of a draft: ticked providers take part, the others are left out with their reason."""
    values = {k: v for k, v in typed.items() if k not in ("csrf_token", "idempotency_key", "version", "more")}
    rows = _rows(values.get("rows", ""))
    form = DraftForm(values, providers, rows)
    participants, exclusions = [], []
    for provider, _ in providers:
        if values.get(f"participant-{provider}"):
            form.participants.append(provider)
            participants.append({"provider_id": provider, "weight": _or(values.get(f"weight-{provider}"), "1")})
        else:
            form.excluded.append(provider)
            exclusions.append({"provider_id": provider, "reason": values.get(f"reason-{provider}", "")})
    milestones = []
    for row in range(1, rows + 1):
        if any(values.get(f"m{row}-{name}", "").strip() for name in TYPED):
            form.milestone_rows.append(row)
            milestones.append(_milestone(values, row))
    form.deadlines = [q for q, _ in QUARTERS if values.get(f"pack-{q}", "").strip()]
    form.body = {
        **{name: values[name] for name in ("code", "reason") if name in values},
        "title": values.get("title", ""),
        "description": values.get("description", ""),
        "participants": participants,
        "exclusions": exclusions,
        "milestones": milestones,
        "pack_deadlines": [{"quarter": q, "due": values[f"pack-{q}"]} for q in form.deadlines],
    }
    return form


def typed_terms(terms: SchemeTerms, providers: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The form as the terms would be typed in it, so a change starts from the terms as they stand: every participant
    ticked with its weight, every exclusion with its reason, every milestone in a row of its own with its measure in
    its unit, and one blank row more."""
    blank = len(terms.milestones) + 1
    values = {"title": terms.title, "description": terms.description, "rows": str(blank), f"m{blank}-weight": "1"}
    values |= {f"weight-{provider}": "1" for provider, _ in providers}
    for p in terms.participants:
        values |= {f"participant-{p.provider_id}": "yes", f"weight-{p.provider_id}": _written(p.weight)}
    values |= {f"reason-{x.provider_id}": x.reason for x in terms.exclusions}
    values |= {f"pack-{d.quarter.value}": d.due.isoformat() for d in terms.pack_deadlines}
    for row, milestone in enumerate(terms.milestones, start=1):
        values |= {f"m{row}-{name}": typed for name, typed in _typed_milestone(milestone).items()}
    return values


def _typed_milestone(m: Milestone) -> dict[str, str]:
    typed = {
        "code": m.code,
        "title": m.title,
        "description": m.description,
        "quarter": m.quarter.value,
        "due": m.due.isoformat(),
        "applies": str(m.provider_id) if m.provider_id else "",
        "weight": _written(m.weight),
        "kind": "numeric" if m.measure else "narrative",
    }
    if m.measure is not None:
        measure = m.measure
        typed |= {
            "numerator": measure.numerator,
            "denominator": measure.denominator or "",
            "unit": measure.in_unit.value,
            "minimum": _written(measure.minimum),
            "maximum": _written(measure.maximum),
            "direction": measure.direction.value,
            "basis": measure.basis.value,
            "baseline": "" if measure.baseline is None else _written(measure.baseline),
        }
    return typed


def _written(value: Decimal) -> str:
    """A number as a person types it: `60`, `0.6`, never `6E+1`."""
    return f"{value.normalize():f}"


def _milestone(values: Mapping[str, str], row: int) -> dict[str, Any]:
    def typed(name: str) -> str:
        return values.get(f"m{row}-{name}", "")

    milestone: dict[str, Any] = {
        "code": typed("code"),
        "title": typed("title"),
        "description": typed("description"),
        "quarter": typed("quarter"),
        "due": typed("due"),
        "provider_id": typed("applies") or None,
        "weight": _or(typed("weight"), "1"),
    }
    if typed("kind") == "numeric":
        measure: dict[str, str | None] = {name: typed(name) for name in MEASURE}
        for optional in ("denominator", "baseline"):
            measure[optional] = measure[optional] or None
        milestone["measure"] = measure
    return milestone


def _rows(typed: str) -> int:
    return min(max(int(typed), 1), MOST_ROWS) if typed.strip().isdecimal() else ROWS


def _or(typed: str | None, default: str) -> str:
    return typed.strip() if typed and typed.strip() else default
