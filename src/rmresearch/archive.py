"""Zip archives written the same way every time (Office files, .qdpx exports).

A zip member carries a date; Office files also carry their creation dates inside
``docProps/core.xml``. Both are fixed here, so the same content gives the same bytes.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Sequence

__all__ = ["fixed_zip", "fixed_office_zip"]

ZipDate = tuple[int, int, int, int, int, int]


def fixed_zip(members: Sequence[tuple[str, bytes]], when: ZipDate) -> bytes:
    """A deflated zip of ``members`` (name, bytes) in the order given, every entry dated
    ``when`` (``(year, month, day, hour, minute, second)``) with mode 0644."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for name, blob in members:
            member = zipfile.ZipInfo(name, date_time=when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, blob)
    return buffer.getvalue()


def fixed_office_zip(data: bytes, when: date) -> bytes:
    """Rewrite an Office file (.docx, .xlsx) with fixed member dates and core-property dates
    (created, modified, last printed), all ``when`` at 09:00 UTC."""
    iso = f"{when.isoformat()}T09:00:00Z".encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = [(name, source.read(name)) for name in source.namelist()]
    fixed = []
    for name, blob in members:
        if name == "docProps/core.xml":
            blob = re.sub(rb"(<(dcterms:created|dcterms:modified|cp:lastPrinted)[^>]*>)"
                          rb"[^<]*(</\2>)", lambda m: m.group(1) + iso + m.group(3), blob)
        fixed.append((name, blob))
    return fixed_zip(fixed, (when.year, when.month, when.day, 9, 0, 0))
