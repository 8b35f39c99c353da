"""The browser pages, served by the same FastAPI app: `ROUTERS` and `mount_static`."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from web.pages import (
    agreement,
    audit,
    board,
    changing,
    clients,
    drafting,
    evidence,
    imports,
    home,
    inbox,
    organisation,
    overview,
    payment_rules,
    payments,
    paying,
    restating,
    review,
    set_password,
    setting_up,
    signing,
    users,
    what_if,
)
from web.packs.routes import router as packs_router
from web.pages.rendering import fault_page

# `packs_router` is part of the API (/api/v1, in the OpenAPI schema): the packs are drawn here, from the templates.
__all__ = ["ROUTERS", "fault_page", "mount_static", "packs_router"]

STATIC = Path(__file__).resolve().parent / "static"

# The pages' routers, in the order a request meets them; each made with its routes' whole paths (api/http/routing.py).
ROUTERS = tuple(
    module.router
    for module in (
        signing,
        set_password,
        home,
        setting_up,
        drafting,
        changing,
        overview,
        imports,
        evidence,
        board,
        review,
        restating,
        payments,
        paying,
        what_if,
        payment_rules,
        audit,
        agreement,
        inbox,
        users,
        clients,
        organisation,
    )
)


def mount_static(app: FastAPI) -> None:
    """Serve the stylesheet and scripts at /static."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
