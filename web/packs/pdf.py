"""The pack as a PDF for people: the Jinja template `pack.html` rendered by WeasyPrint, the same bytes every time."""

from __future__ import annotations

import hashlib
from functools import lru_cache

from web.packs.contents import PackContents
from web.pages.rendering import environment

# PDFs kept, by what they were rendered from: a pack's PDF and its ZIP (which holds the PDF), and every reader of the
# same pack, share one rendering, which costs seconds of CPU where the HTML costs milliseconds.
PDFS_KEPT = 16


def pack_html(pack: PackContents) -> str:
    """The pack as print HTML: cover, contents with page numbers, each provider's part, the queries."""
    return environment.get_template("pack.html").render(pack=pack)


def pack_pdf(pack: PackContents) -> bytes:
    """The PDF; its dates come from the record and its identifier from what it is, so it never changes. WeasyPrint
    is imported here, at the first pack rendered: loading it and its text libraries takes about half a second, which
    a server that never renders a pack (and every `corral serve` the tests start) need not pay."""
    part = str(pack.part_of or "whole")
    identity = f"{pack.scheme_id}/{pack.quarter.value}/{pack.number}/{part}".encode()
    return _rendered(pack_html(pack), hashlib.sha256(identity).digest()[:16])


@lru_cache(maxsize=PDFS_KEPT)
def _rendered(html: str, identifier: bytes) -> bytes:
    """The PDF of this HTML, which with the identifier decides every byte of it."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf(pdf_identifier=identifier)
    return pdf
