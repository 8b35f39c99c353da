"""The demo data DOMAIN.md asks for, created only through the application's own use cases."""

from __future__ import annotations

from collections.abc import Callable

from api.cli.demo import south_devon, trust_next_year, trust_year, users
from domain.application import Corral

SCENARIOS: dict[str, Callable[[Corral], None]] = {
    "South Devon and Torbay 2014/15 system scheme": south_devon.load,
    "The trust year from seed 000 (2017/18)": trust_year.load,
    "The trust's 2018/19, continued from 2017/18": trust_next_year.load,
    "Demo sign-ins (demo only)": users.load,
}


def load_demo(app: Corral) -> dict[str, bool]:
    """Load each scenario not yet loaded; returns scenario name -> whether it was loaded now."""
    loaded = {}
    for name, load in SCENARIOS.items():
        before = app.recorder.max_notification_id() or 0
        load(app)
        loaded[name] = (app.recorder.max_notification_id() or 0) > before
    return loaded
