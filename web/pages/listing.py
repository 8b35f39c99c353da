"""Links through a list shown a page at a time: to its next page, and back to its first."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request


def page_links(request: Request, next_cursor: str | None) -> dict[str, str | None]:
    """The addresses of the list's next page (none on its last) and of its first (none on the first itself), the
    rest of this address's query kept."""
    kept = {k: v for k, v in request.query_params.items() if k != "cursor"}
    return {
        "next_page": f"?{urlencode({**kept, 'cursor': next_cursor})}" if next_cursor else None,
        "first_page": f"?{urlencode(kept)}" if "cursor" in request.query_params else None,
    }
