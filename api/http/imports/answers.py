"""What an import answers: the drafts it would make (or made), or every fault as a problem naming where it is."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any
from uuid import UUID

from fastapi import status
from fastapi.responses import JSONResponse

from api.http.errors import problem
from api.http.imports.drafts import Checked
from api.http.setting_up import TermsIn
from domain import ids


def drafts_out(programme_id: UUID, checked: Checked) -> list[dict[str, Any]]:
    """Each draft as the JSON API reads a scheme's terms back, with its id-to-be and who is left out, and why."""
    return [
        {
            "id": str(ids.scheme_id(programme_id, draft.code)),
            "code": draft.code,
            "terms": TermsIn.model_validate(asdict(draft.terms)).model_dump(mode="json"),
            "left_out": [
                {"provider_id": str(provider), "name": checked.names.get(provider, ""), "reason": reason}
                for provider, reason in ((x.provider_id, x.reason) for x in draft.terms.exclusions)
            ],
        }
        for draft in checked.drafts
    ]


def faults(checked: Checked) -> JSONResponse:
    """422: every fault found, each with its sheet, row and column (JSON rows: its sheet, index and field)."""
    sentences = [error.sentence(checked.in_workbook) for error in checked.errors]
    title = "The workbook is not valid" if checked.in_workbook else "The rows are not valid"
    errors = [error.as_json(checked.in_workbook) for error in checked.errors]
    return problem(status.HTTP_422_UNPROCESSABLE_CONTENT, title, "; ".join(sentences), errors=errors)
