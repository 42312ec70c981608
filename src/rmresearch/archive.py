"""Zip archives: written the same way every time, and read only within limits.

Writing (Office files, .qdpx exports): a zip member carries a date; Office files also carry
their creation dates inside ``docProps/core.xml``. Both are fixed here, so the same content
gives the same bytes.

Reading (.docx, .xlsx, .qdpx): `check_zip` runs before python-docx, openpyxl or the REFI
reader decompresses anything. It checks the archive's directory (entry count, total unpacked
size, compression ratio of each large entry) and then unpacks every entry in 1 MB steps,
counting what really comes out, because a directory can lie: Python's ``zipfile`` cuts an
entry at its declared size, but ``ZipFile.read`` inflates the whole compressed data in one
step first (a 1 MB member declared as 10 kB still takes 1 GB of memory for a moment).
"""
from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Sequence

from .config import (MAX_UNZIPPED_MB_ENV, MAX_ZIP_ENTRIES_ENV, MAX_ZIP_RATIO_ENV,
                     max_unzipped_mb_setting, max_zip_entries_setting, max_zip_ratio_setting)
from .errors import InputError

__all__ = ["fixed_zip", "fixed_office_zip", "ZipLimits", "check_zip", "resolve_limit",
           "DEFAULT_MAX_UNZIPPED_MB", "DEFAULT_MAX_ZIP_ENTRIES", "DEFAULT_MAX_ZIP_RATIO",
           "RATIO_GRACE_MB"]

_MB = 1024 * 1024
# Unpacked, an archive is held whole by python-docx, and its XML takes about 20 times its
# size once parsed (300 MB of document XML took 5.8 GB): 100 MB keeps a file under ~2 GB,
# like the 100 MB limit on one plain file. Real Word and Excel files compress 5 to 30 times
# (a 100,000-row form: 28 MB unpacked, 13:1); a zip bomb 300 to 1,000 times.
DEFAULT_MAX_UNZIPPED_MB = 100
DEFAULT_MAX_ZIP_ENTRIES = 10_000
DEFAULT_MAX_ZIP_RATIO = 200
# Entries that unpack to less than this are not held to the ratio (a document of one
# paragraph pasted 20,000 times compresses 270:1 at 2 MB, and is harmless).
RATIO_GRACE_MB = 10
_STEP = _MB  # the most one decompression step may produce

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


def resolve_limit(given: object, setting: Callable[[], str | None], default: float,
                  variable: str, unit: str) -> float | None:
    """A limit: ``given`` (an option), else the environment variable read by ``setting``,
    else ``default``; None when it is 0 or less (no limit).

    Raises
    ------
    InputError
        The value is not a number (the message names ``variable`` and the ``unit``).
    """
    value = given if given is not None else (setting() or default)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):  # "lots", "inf" and "nan" alike
        raise InputError(f"the limit {variable}={value!r} is not a number of {unit}.",
                         allowed="a number such as 200, or 0 for no limit.")
    return None if number <= 0 else number


@dataclass(frozen=True)
class ZipLimits:
    """Limits on one archive read (None: no limit).

    Attributes
    ----------
    max_unzipped_bytes : the most all entries may unpack to, together.
    max_entries : the most entries.
    max_ratio : the highest unpacked/packed size of an entry over `RATIO_GRACE_MB`.
    """

    max_unzipped_bytes: int | None = DEFAULT_MAX_UNZIPPED_MB * _MB
    max_entries: int | None = DEFAULT_MAX_ZIP_ENTRIES
    max_ratio: float | None = DEFAULT_MAX_ZIP_RATIO

    @classmethod
    def from_settings(cls, max_unzipped_mb: float | None = None,
                      max_entries: int | None = None,
                      max_ratio: float | None = None) -> ZipLimits:
        """The limits given, else ``RMRESEARCH_MAX_UNZIPPED_MB``, ``RMRESEARCH_MAX_ZIP_ENTRIES``
        and ``RMRESEARCH_MAX_ZIP_RATIO``, else the defaults (0 turns a limit off)."""
        mb = resolve_limit(max_unzipped_mb, max_unzipped_mb_setting, DEFAULT_MAX_UNZIPPED_MB,
                           MAX_UNZIPPED_MB_ENV, "megabytes")
        entries = resolve_limit(max_entries, max_zip_entries_setting, DEFAULT_MAX_ZIP_ENTRIES,
                                MAX_ZIP_ENTRIES_ENV, "entries")
        ratio = resolve_limit(max_ratio, max_zip_ratio_setting, DEFAULT_MAX_ZIP_RATIO,
                              MAX_ZIP_RATIO_ENV, "times")
        return cls(None if mb is None else int(mb * _MB),
                   None if entries is None else int(entries), ratio)


def _raise_it(variable: str) -> str:
    return (f"If the file is genuine, raise the limit with the environment variable "
            f"{variable}=N (0 turns the limit off).")


def _check_directory(path: Path, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    if limits.max_entries is not None and len(infos) > limits.max_entries:
        raise InputError(
            f"the archive holds {len(infos):,} entries, more than the limit of "
            f"{limits.max_entries:,} (Word and Excel files hold a few dozen).", path=path,
            allowed=f"archives of up to {limits.max_entries:,} entries. "
            + _raise_it(MAX_ZIP_ENTRIES_ENV))
    total = sum(info.file_size for info in infos)
    if limits.max_unzipped_bytes is not None and total > limits.max_unzipped_bytes:
        limit = limits.max_unzipped_bytes
        raise InputError(
            f"the archive unpacks to {total / _MB:,.1f} MB, more than the {limit / _MB:g} MB "
            f"limit (opening it could take {total * 20 / 1024 ** 3:,.1f} GB of memory).",
            path=path, allowed=f"archives that unpack to {limit / _MB:g} MB or less; split a "
            "very long document into several files. " + _raise_it(MAX_UNZIPPED_MB_ENV))
    for info in infos:
        if limits.max_ratio is None or info.file_size <= RATIO_GRACE_MB * _MB:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise InputError(
                f"entry '{info.filename}' unpacks {info.compress_size / _MB:,.2f} MB into "
                f"{info.file_size / _MB:,.1f} MB, {ratio:,.0f} times its size: a zip bomb "
                "(a small file built to fill the memory of whoever opens it).", path=path,
                allowed=f"entries over {RATIO_GRACE_MB} MB compressed at most "
                f"{limits.max_ratio:g} to 1 (real documents: 5 to 30). "
                + _raise_it(MAX_ZIP_RATIO_ENV))


def _unpacked_size(handle: io.BufferedReader, info: zipfile.ZipInfo, cap: int) -> int:
    """What ``info`` really unpacks to, reading the compressed bytes ``zipfile`` would read
    and stopping once more than ``cap`` came out; memory stays under two `_STEP`s."""
    if info.header_offset < 0:
        raise zipfile.BadZipFile(f"bad offset for entry '{info.filename}'")
    handle.seek(info.header_offset)
    header = handle.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for entry '{info.filename}'")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + 30 + name_length + extra_length)
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    inflater, left, out = zlib.decompressobj(-15), info.compress_size, 0
    while not inflater.eof and out <= cap:
        data = inflater.unconsumed_tail
        if not data:
            data = handle.read(min(left, _STEP)) if left > 0 else b""
            left -= len(data)
            if not data:
                break
        out += len(inflater.decompress(data, _STEP))
    return out + (len(inflater.flush()) if out <= cap else 0)


def check_zip(path: str | Path, limits: ZipLimits | None = None) -> None:
    """Check an archive against ``limits`` (default: `ZipLimits.from_settings`) before
    anything else unpacks it: first its directory, then every entry's real unpacked size
    (never more than its declared size, so the total holds while reading too).

    Raises
    ------
    InputError
        Too many entries, too much unpacked data, a zip bomb, or an entry that unpacks to
        more than the directory says; the message names the file, the limit and how to
        raise it.
    zipfile.BadZipFile, zlib.error, OSError, NotImplementedError
        The archive is damaged, or an entry uses a compression method other than stored or
        deflated (callers report these as their format's damaged-file error).
    """
    path = Path(path)
    limits = ZipLimits.from_settings() if limits is None else limits
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    _check_directory(path, infos, limits)
    with open(path, "rb") as handle:
        for info in infos:
            if info.flag_bits & 0x1:  # encrypted: zipfile refuses it without a password
                continue
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise NotImplementedError(f"entry '{info.filename}' uses compression method "
                                          f"{info.compress_type}, which Office and QDA tools "
                                          "do not write")
            real = _unpacked_size(handle, info, info.file_size)
            if real > info.file_size:
                raise InputError(
                    f"entry '{info.filename}' unpacks to more than the {info.file_size:,} "
                    "bytes the archive's directory declares: the file is damaged or built "
                    "to get past size checks.", path=path,
                    allowed="an archive saved by Word, Excel, LibreOffice or a QDA tool.")
