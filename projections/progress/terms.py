"""A scheme's agreed terms in the progress tables: participants and milestones by version, and the progress rows
reconciled with the terms in force."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from domain.milestones import Quarter
from domain.scheme import SchemeTerms
from projections.database import as_stored
from projections.progress.view import ProgressView

Key = dict[str, str]


def progress_key(scheme_id: str, provider_id: str, milestone_code: str) -> Key:
    """The key of one provider-milestone's progress row."""
    return {"scheme_id": scheme_id, "provider_id": provider_id, "milestone_code": milestone_code}


def matches(table: Any, key: Key) -> list[Any]:
    """The conditions that pick the row with this key."""
    return [table.c[column] == value for column, value in key.items()]


def record_draft(view: ProgressView, row: dict[str, Any], terms: SchemeTerms) -> None:
    """Stage a newly drafted scheme's row and its first terms; remember its programme."""
    view.stage(view.schemes, row | {"terms_version": 1})
    view.remember(("terms version", row["id"]), 1)
    view.remember(("programme of", row["id"]), row["programme_id"])
    record_terms(view, row["id"], 1, terms)


def record_terms(view: ProgressView, scheme_id: str, version: int, terms: SchemeTerms) -> None:
    """Stage the participants, the providers left out, milestones and pack deadlines of a version of a scheme's
    terms; remember its providers and milestones as `reconcile_progress` would read them back."""
    providers = [str(p.provider_id) for p in terms.participants]
    agreed = [
        (as_stored(view.milestones.c.code, m.code), m.quarter.value, str(m.provider_id) if m.provider_id else None)
        for m in terms.milestones
    ]
    view.remember(("terms", scheme_id, version), (providers, agreed))
    for quarter in Quarter:
        due = terms.pack_deadline(quarter)
        if due is not None:
            row = {"scheme_id": scheme_id, "terms_version": version, "quarter": quarter.value}
            view.stage(view.pack_deadlines, row | {"due": due})
    for p in terms.participants:
        row = {"scheme_id": scheme_id, "terms_version": version, "provider_id": str(p.provider_id)}
        view.stage(view.participants, row | {"weight": p.weight})
    for x in terms.exclusions:
        row = {"scheme_id": scheme_id, "terms_version": version, "provider_id": str(x.provider_id)}
        view.stage(view.exclusions, row | {"reason": x.reason})
    for ordinal, m in enumerate(terms.milestones):
        measure = m.measure
        view.stage(
            view.milestones,
            {
                "scheme_id": scheme_id,
                "terms_version": version,
                "code": m.code,
                "ordinal": ordinal,
                "title": m.title,
                "quarter": m.quarter.value,
                "due": m.due,
                "provider_id": str(m.provider_id) if m.provider_id else None,
                "weight": m.weight,
                "numerator": measure.numerator if measure else None,
                "denominator": measure.denominator if measure else None,
                "minimum": measure.minimum if measure else None,
                "maximum": measure.maximum if measure else None,
                "direction": measure.direction.value if measure else None,
                "basis": measure.basis.value if measure else None,
                "baseline": measure.baseline if measure else None,
                "unit": measure.in_unit.value if measure else None,
            },
        )


def reconcile_progress(view: ProgressView, scheme_id: str, version: int) -> None:
    """Make the progress rows match the agreed terms: add new provider-milestones, move or drop old ones."""
    conn, v = view.reader, view
    programme_id = view.recall(("programme of", scheme_id))
    terms = view.recall(("terms", scheme_id, version))
    if programme_id is None or terms is None:
        programme_id, terms = _read_terms(view, scheme_id, version)
    providers, agreed = terms
    expected = {(p, code): quarter for code, quarter, only in agreed for p in providers if only in (None, p)}
    existing = {
        (r.provider_id, r.milestone_code): r
        for r in conn.execute(
            select(
                v.progress.c.provider_id, v.progress.c.milestone_code, v.progress.c.state, v.progress.c.assessment
            ).where(v.progress.c.scheme_id == scheme_id)
        )
    }
    for (provider_id, code), row in existing.items():
        if (provider_id, code) not in expected and row.state is None and row.assessment is None:
            conn.execute(delete(v.progress).where(*matches(v.progress, progress_key(scheme_id, provider_id, code))))
    for (provider_id, code), quarter in expected.items():
        key = progress_key(scheme_id, provider_id, code)
        if (provider_id, code) in existing:
            view.stage_update(v.progress, key, quarter=quarter)
        else:
            view.stage(v.progress, key | {"programme_id": programme_id, "quarter": quarter, "revised_on_appeal": False})


def _read_terms(view: ProgressView, scheme_id: str, version: int) -> tuple[str, tuple[list[str], list[Any]]]:
    """A scheme's programme, and the providers and milestones of a version of its terms, read back."""
    conn, v = view.reader, view
    programme_id = conn.execute(select(v.schemes.c.programme_id).where(v.schemes.c.id == scheme_id)).scalar_one()
    participants, milestones = v.participants.c, v.milestones.c
    providers = (
        conn.execute(
            select(participants.provider_id).where(
                participants.scheme_id == scheme_id, participants.terms_version == version
            )
        )
        .scalars()
        .all()
    )
    agreed = conn.execute(
        select(milestones.code, milestones.quarter, milestones.provider_id).where(
            milestones.scheme_id == scheme_id, milestones.terms_version == version
        )
    ).all()
    return programme_id, (list(providers), [tuple(m) for m in agreed])
