"""A form parsed into the request model its JSON route takes, so the rules live in one place; what the model refuses
comes back as the form's errors, each at its input and named as the page names it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from web.pages.base import FormFailure, Placed, place_error

Model = TypeVar("Model", bound=BaseModel)

# What a model's refusal of a typed value says, in words a person reads; any other kind says what pydantic says.
WORDS = {
    "missing": "enter a value",
    "int_parsing": "must be a whole number, like 2015",
    "int_from_float": "must be a whole number, like 2015",
    "decimal_parsing": "must be a number, like 2.5",
    "decimal_type": "must be a number, like 2.5",
    "date_from_datetime_parsing": "must be a real date",
    "date_parsing": "must be a real date",
    "uuid_parsing": "choose one of the options",
    "uuid_type": "choose one of the options",
    "enum": "choose one of the options",
}


def parsed(
    model: type[Model], data: Mapping[str, Any], form: str, values: Mapping[str, Any], placed: Placed
) -> Model | FormFailure:
    """The model the form's `data` makes, or the form again with every value the model refuses."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        errors = []
        for fault in error.errors():
            path = ".".join(str(part) for part in fault["loc"])
            errors.append(place_error(form, placed, path, WORDS.get(fault["type"], fault["msg"])))
        return FormFailure(form, values, list(dict.fromkeys(errors)))


def labelled(labels: Mapping[str, str]) -> Placed:
    """Placing for a form whose inputs are named as the model's fields: each shown at its own input, as labelled."""

    def placed(path: str) -> tuple[str, str]:
        name = path.split(".")[0]
        return (name, labels[name]) if name in labels else ("submit", "")

    return placed
