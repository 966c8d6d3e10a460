"""Writing files without losing data: the one way storyfmt writes a file.

Every write of the package (``fmt``, ``convert``, ``schema -o``, :func:`storyfmt.dump`)
goes through :func:`write_file`. A file is replaced all at once (a temporary file
in the same folder, then ``os.replace``) so that a reader sees the old bytes or
the new ones, never half of them, and a failure leaves the old file as it was.
Where replacing would break something (a file with several hard links, an owner
that cannot be kept), the file is rewritten in place instead, and its old bytes
are put back if that fails.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO


class NotRewritten(OSError):
    """A file deliberately left as it was; ``strerror`` says why."""


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes, and what identified the file when they were read."""

    data: bytes
    size: int
    mtime_ns: int
    inode: int
    device: int

    @classmethod
    def read(cls, path: str) -> Snapshot:
        """Read a file and note its size, modification time, inode and device.

        Raises:
            OSError: the file cannot be read.
        """
        with open(path, "rb") as handle:
            return cls._of(handle)

    @classmethod
    def _of(cls, handle: BinaryIO) -> Snapshot:
        handle.seek(0)
        status = os.fstat(handle.fileno())
        return cls(handle.read(), status.st_size, status.st_mtime_ns, status.st_ino, status.st_dev)

    def matches(self, handle: BinaryIO) -> bool:
        """Tell whether an open file is still the one read, with the same bytes."""
        return self._of(handle) == self


def write_file(path: str, data: bytes, expected: Snapshot | None = None) -> None:
    """Replace a file's bytes, or create the file, without ever leaving half of it.

    The file keeps its permissions, owner and group, and its hard links; a
    symbolic link is followed and stays a link. A device or pipe is written to
    as a stream. With ``expected``, the file is written only if it is still
    exactly what was read (checked just before it is replaced).

    Raises:
        NotRewritten: the file is read-only, or no longer what ``expected`` holds.
        OSError: the file cannot be written; it is left as it was.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        _replace(os.path.realpath(path), data, expected, None)
        return
    if not stat.S_ISREG(status.st_mode):
        with open(path, "wb") as stream:
            stream.write(data)
        return
    mode = stat.S_IMODE(status.st_mode)
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise NotRewritten(errno.EACCES, "the file is read-only", path)
    target = os.path.realpath(path)
    if status.st_nlink > 1 or not _replace(target, data, expected, status):
        _rewrite_in_place(target, data, expected)


def _replace(
    target: str, data: bytes, expected: Snapshot | None, status: os.stat_result | None
) -> bool:
    """Write a temporary file and move it onto ``target``.

    Returns False, having written nothing, when the owner or group of the file
    cannot be given to the new one.
    """
    handle, temporary = tempfile.mkstemp(
        dir=os.path.dirname(target), prefix=".storyfmt-", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            _write_all(out.fileno(), data)
            os.fsync(out.fileno())
            if status is None:
                os.fchmod(out.fileno(), 0o666 & ~_umask())
            else:
                os.fchmod(out.fileno(), stat.S_IMODE(status.st_mode))
                try:
                    os.fchown(out.fileno(), status.st_uid, status.st_gid)
                except PermissionError:
                    os.unlink(temporary)
                    return False
        if expected is not None:
            _check_unchanged(target, expected)
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise
    return True


def _rewrite_in_place(target: str, data: bytes, expected: Snapshot | None) -> None:
    """Overwrite the file itself (same inode), putting its old bytes back on failure."""
    with open(target, "r+b") as handle:
        old = Snapshot._of(handle)
        if expected is not None and old != expected:
            raise _changed(target)
        try:
            _overwrite(handle, data)
        except OSError:
            _overwrite(handle, old.data)
            raise


def _overwrite(handle: BinaryIO, data: bytes) -> None:
    handle.seek(0)
    _write_all(handle.fileno(), data)
    handle.truncate(len(data))
    os.fsync(handle.fileno())


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _check_unchanged(target: str, expected: Snapshot) -> None:
    try:
        with open(target, "rb") as handle:
            same = expected.matches(handle)
    except FileNotFoundError:
        same = False
    if not same:
        raise _changed(target)


def _changed(target: str) -> NotRewritten:
    return NotRewritten(errno.EAGAIN, "changed since it was read", target)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def links_outside(found: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The files reached through a link to somewhere outside the folder searched.

    ``found`` pairs each argument of the command line with a file it gave: the
    argument itself, or a file found in it when it is a folder. A file whose real
    path lies outside the real path of the folder it was found in is returned,
    with that folder, unless it was also named itself.
    """
    found = list(found)
    named = {path for argument, path in found if argument == path}
    outside: dict[str, str] = {}
    for folder, path in found:
        if path in named or path in outside:
            continue
        real_folder = os.path.realpath(folder)
        if os.path.commonpath([real_folder, os.path.realpath(path)]) != real_folder:
            outside[path] = folder
    return outside
