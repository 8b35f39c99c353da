"""Files Corral makes for itself once: keys kept beside the database."""

from __future__ import annotations

import os
from pathlib import Path
from tempfile import NamedTemporaryFile


def create_once(path: Path, text: str) -> None:
    """Write the file (readable by its owner only) whole, unless another process made it first: the server and a
    command started at once on a new database must not sign with different keys, or read a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with NamedTemporaryFile("w", dir=path.parent, delete=False) as draft:
        draft.write(text)
    try:
        os.link(draft.name, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(draft.name)
