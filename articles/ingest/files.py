"""open_regular(path) / read_capped(stream, cap): files as inputs, and names fit to print or key.

Only regular files are ever opened (a symlink to one is fine): a FIFO would block the import
for ever and /dev/zero would fill memory. Nothing reads past the cap a caller gives.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

_SPECIAL: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)
# os.fsdecode turns each byte of a file name that is not UTF-8 into U+DC80..U+DCFF.
_UNDECODED = re.compile("[\udc80-\udcff]")


class NotRegularFile(ValueError):
    """The path is a FIFO, socket, device or folder: never opened, the message says which."""


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file (following symlinks) for reading, or raise NotRegularFile/OSError."""
    _check(os.stat(path).st_mode)
    # O_NONBLOCK: should the file be swapped for a FIFO after the stat, open must not hang.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    try:
        _check(os.fstat(fd).st_mode)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(stream: BinaryIO, cap: int) -> bytes | None:
    """At most `cap` bytes of the stream, or None when there are more (none read past cap+1)."""
    data = stream.read(cap + 1)
    return None if len(data) > cap else data


def shown(name: str) -> str:
    r"""A file name safe to print in a report: undecodable bytes as \xNN, controls escaped.

    >>> shown(os.fsdecode(b"2016/\xff\nx.txt"))
    '2016/\\xff\\nx.txt'
    >>> shown("Hà Nội.txt")
    'Hà Nội.txt'
    """
    if name.isprintable():
        return name
    return "".join(char if char.isprintable() else _escaped(char) for char in name)


def key_text(name: str) -> str:
    r"""A file name the database can store: undecodable bytes as \xNN, the rest as it is.

    >>> key_text(os.fsdecode(b"\xff.txt"))
    '\\xff.txt'
    """
    return _UNDECODED.sub(lambda match: _escaped(match[0]), name)


def _escaped(char: str) -> str:
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return ascii(char)[1:-1]


def _check(mode: int) -> None:
    for test, kind in _SPECIAL:
        if test(mode):
            raise NotRegularFile(f"skipped: {kind}, not a regular file")
    if not stat.S_ISREG(mode):
        raise NotRegularFile("skipped: not a regular file")
