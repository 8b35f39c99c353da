"""Examples of the main operations' requests and answers (examples.json, answers the demo gave, each list cut to one
item), put into the OpenAPI document by api/http/openapi.py; tests/unit/test_openapi.py checks each against its
schema."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Examples:
    """An operation's example request body (JSON, or a form's fields) and its successful answer."""

    request: Any = None
    answer: Any = None
    form: bool = False

    def put(self, operation: dict[str, Any]) -> None:
        """Write the examples into the operation, beside the schemas they are examples of."""
        if self.request is not None:
            operation["requestBody"]["content"][FORM if self.form else "application/json"]["example"] = self.request
        if self.answer is not None:
            success = next(code for code in operation["responses"] if code.startswith("2"))
            operation["responses"][success]["content"]["application/json"]["example"] = self.answer


EXAMPLES = {
    operation_id: Examples(**given)
    for operation_id, given in json.loads(Path(__file__).with_name("examples.json").read_text()).items()
}
