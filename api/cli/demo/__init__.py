"""The demo data DOMAIN.md asks for, created only through the application's own use cases."""

from __future__ import annotations

from collections.abc import Callable

from api.cli.demo import south_devon, trust_next_year, trust_year, users
from api.storage.attachments import AttachmentStore
from domain.application import Corral

# Each scenario, loaded with the application and the attachment store its files go to (South Devon's reports).
SCENARIOS: dict[str, Callable[[Corral, AttachmentStore], None]] = {
    "South Devon and Torbay 2014/15 system scheme": south_devon.load,
    "The trust year from seed 000 (2017/18)": lambda app, _: trust_year.load(app),
    "The trust's 2018/19, continued from 2017/18": lambda app, _: trust_next_year.load(app),
    "Demo sign-ins (demo only)": lambda app, _: users.load(app),
}


def load_demo(app: Corral, files: AttachmentStore) -> dict[str, bool]:
    """Load each scenario not yet loaded, keeping its files in `files`; returns scenario name -> whether it was
    loaded now."""
    loaded = {}
    for name, load in SCENARIOS.items():
        before = app.recorder.max_notification_id() or 0
        load(app, files)
        loaded[name] = (app.recorder.max_notification_id() or 0) > before
    return loaded
