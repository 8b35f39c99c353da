"""Who acts when the command line changes something."""

from __future__ import annotations

import getpass

from domain.actors import Actor


def operator() -> Actor:
    """Whoever runs the CLI on the server is the platform operator, named in the audit trail by their login."""
    return Actor.operator(getpass.getuser())
