"""Turn raw bytes into normalised text: the text every offset points into.

Accepted: UTF-8 with or without BOM, UTF-16 with BOM, and Windows cp1252 exports.
CRLF and lone CR become LF. Anything else is refused with a message naming the file.
"""
from __future__ import annotations

import codecs
from pathlib import Path

from ..errors import InputError

__all__ = ["decode_bytes", "read_text", "normalise_newlines"]

_ALLOWED = "UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 (cp1252) text"


def normalise_newlines(text: str) -> str:
    """Replace CRLF and lone CR with LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _utf8_error_line(data: bytes, pos: int) -> int:
    return data[:pos].count(b"\n") + 1


def decode_bytes(data: bytes, path: str | Path) -> str:
    """Decode ``data`` read from ``path`` and normalise line endings.

    Raises
    ------
    InputError
        For an empty file, a binary file, or bytes that no accepted encoding reads.
    """
    if not data.strip():
        raise InputError("the file is empty (or holds only spaces).", path=path,
                         allowed="a file with some text in it.")
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _finish(data.decode(enc), path)
            except UnicodeDecodeError as exc:
                raise InputError(f"starts with a {enc} byte-order mark but byte {exc.start} "
                                 "cannot be decoded.", path=path, allowed=_ALLOWED) from None
    if b"\x00" in data:
        raise InputError("looks like a binary file (it contains NUL bytes), not text.",
                         path=path, allowed=_ALLOWED)
    try:
        return _finish(data.decode("utf-8"), path)
    except UnicodeDecodeError as utf8_exc:
        try:
            return _finish(data.decode("cp1252"), path)
        except UnicodeDecodeError:
            line = _utf8_error_line(data, utf8_exc.start)
            raise InputError(f"byte 0x{data[utf8_exc.start]:02X} cannot be decoded as UTF-8 "
                             "or Windows-1252.", path=path, line=line,
                             allowed=_ALLOWED) from None


_CONTROLS = tuple(chr(c) for c in range(32) if chr(c) not in "\n\t\f\v")


def _finish(text: str, path: str | Path) -> str:
    text = normalise_newlines(text)
    # str.count per control character runs in C: a character-by-character loop in Python
    # took seconds on a 50 MB transcript. Same count, constant memory.
    controls = sum(text.count(ch) for ch in _CONTROLS)
    if controls > max(8, len(text) // 100):
        raise InputError("looks like a binary file (many control characters), not text.",
                         path=path, allowed=_ALLOWED)
    if not text.strip():
        raise InputError("the file is empty (or holds only spaces).", path=path,
                         allowed="a file with some text in it.")
    return text


def read_text(path: str | Path) -> str:
    """Read and decode a text file (see `decode_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc}).", path=path) from None
    return decode_bytes(data, path)
