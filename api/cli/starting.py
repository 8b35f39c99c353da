"""Start-up as the command line does it: settings read with readable refusals, the timeouts each kind of process
runs with, and a serving process's checks before it starts."""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_settings import SettingsError

from api.storage.secret_files import SettingFileError
from api.storage.settings import Settings
from api.storage.start_up import CannotStartError, refuse_unsafe_serving, wait_for_database

SERVING = ("serve", "projector")


def read_settings() -> Settings:
    """The settings, or CannotStartError naming each one that is wrong (never its value: it may be a secret)."""
    try:
        return Settings()
    except (SettingFileError, SettingsError) as error:
        raise CannotStartError(str(error)) from None
    except ValidationError as error:
        problems = [f"CORRAL_{'_'.join(map(str, e['loc'])).upper()}: {_plain(e['msg'])}" for e in error.errors()]
        raise CannotStartError("; ".join(problems)) from None


def for_command(settings: Settings, command: str) -> Settings:
    """The settings this command runs with. A server keeps both timeouts. The projector keeps the lock timeout (it
    backs off and tries again) but no statement timeout: a batch after a view's version bump may rightly run long,
    and cancelled it would only be tried again. Commands an operator runs (rebuild, verify, demo, users, ...) wait
    as long as they must: the operator sees them and can stop them."""
    if command == "serve":
        return settings
    if command == "projector":
        return settings.model_copy(update={"statement_timeout_seconds": 0.0})
    return settings.model_copy(update={"statement_timeout_seconds": 0.0, "lock_timeout_seconds": 0.0})


def check_before_starting(settings: Settings, command: str) -> None:
    """A server refuses settings it cannot serve safely with; a server or projector waits for the database."""
    if command == "serve":
        refuse_unsafe_serving(settings)
    if command in SERVING:
        wait_for_database(settings)


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ")
