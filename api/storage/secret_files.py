"""`CORRAL_<NAME>_FILE`: any setting read from a file, as container secrets are mounted, so a password or key never
has to sit in the environment or the compose file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

PREFIX = "CORRAL_"


class SettingFileError(ValueError):
    """A `CORRAL_<NAME>_FILE` that cannot be used: its file unreadable, or the setting given twice."""


class SettingFiles(PydanticBaseSettingsSource):
    """Each setting named by a `CORRAL_<NAME>_FILE` variable, read from that file (one trailing newline dropped)."""

    def __init__(self, settings_cls: type[BaseSettings], environ: dict[str, str] | None = None) -> None:
        super().__init__(settings_cls)
        self.environ = dict(os.environ if environ is None else environ)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        """The field's value from its file, if a file is named for it."""
        variable = f"{PREFIX}{field_name.upper()}_FILE"
        path = self.environ.get(variable)
        if path is None:
            return None, field_name, False
        if f"{PREFIX}{field_name.upper()}" in self.environ:
            raise SettingFileError(f"set {PREFIX}{field_name.upper()} or {variable}, not both")
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise SettingFileError(f"{variable} names {path}, which cannot be read: {error.strerror}") from None
        return text.removesuffix("\n").removesuffix("\r"), field_name, False

    def __call__(self) -> dict[str, Any]:
        found = {}
        for name, field in self.settings_cls.model_fields.items():
            value, key, _ = self.get_field_value(field, name)
            if value is not None:
                found[key] = self._decoded(name, field, value)
        return found

    def _decoded(self, name: str, field: FieldInfo, text: str) -> Any:
        """A list or an object (e.g. CORRAL_OIDC_PROVIDERS) from its JSON text, as from the variable itself."""
        if not self.field_is_complex(field):
            return text
        try:
            return self.decode_complex_value(name, field, text)
        except ValueError:
            raise SettingFileError(f"{PREFIX}{name.upper()}_FILE names a file that does not hold JSON") from None
