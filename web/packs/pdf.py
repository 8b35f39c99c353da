"""The pack as a PDF for people: the Jinja template `pack.html` rendered by WeasyPrint, the same bytes every time."""

from __future__ import annotations

import hashlib

from web.packs.contents import PackContents
from web.pages.rendering import environment


def pack_html(pack: PackContents) -> str:
    """The pack as print HTML: cover, contents with page numbers, each provider's part, the queries."""
    return environment.get_template("pack.html").render(pack=pack)


def pack_pdf(pack: PackContents) -> bytes:
    """The PDF; its dates come from the record and its identifier from what it is, so it never changes. WeasyPrint
    is imported here, at the first pack rendered: loading it and its text libraries takes about half a second, which
    a server that never renders a pack (and every `corral serve` the tests start) need not pay."""
    from weasyprint import HTML

    part = str(pack.part_of or "whole")
    identity = f"{pack.scheme_id}/{pack.quarter.value}/{pack.number}/{part}".encode()
    pdf: bytes = HTML(string=pack_html(pack)).write_pdf(pdf_identifier=hashlib.sha256(identity).digest()[:16])
    return pdf
