"""The demo data DOMAIN.md asks for, created only through the application's own use cases."""

from __future__ import annotations

from collections.abc import Callable

from api.cli.demo import south_devon, trust_next_year, trust_year, users
from api.storage.attachments import AttachmentStore
from domain.application import Corral


def load_demo(app: Corral, files: AttachmentStore) -> dict[str, bool]:
    """Load each scenario not yet loaded, keeping its files in `files`; returns scenario name -> whether it was
    loaded now."""
    scenarios: dict[str, Callable[[], None]] = {
        "South Devon and Torbay 2014/15 system scheme": lambda: south_devon.load(app, files),
        "The trust year from seed 000 (2017/18)": lambda: trust_year.load(app),
        "The trust's 2018/19, continued from 2017/18": lambda: trust_next_year.load(app),
        "Demo sign-ins (demo only)": lambda: users.load(app),
    }
    loaded = {}
    for name, load in scenarios.items():
        before = app.recorder.max_notification_id() or 0
        load()
        loaded[name] = (app.recorder.max_notification_id() or 0) > before
    return loaded
