"""The user's own cache directory, where storyfmt keeps what it builds from the
grammar between processes (Lark's tables, the built parser, compiled patterns).

Lark's default cache lives in the shared temporary directory, where another
user could plant a pickle; this one lives in a directory only the user owns.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from pathlib import Path


def cache_file(key: str, kind: str, suffix: str = "") -> str | bool:
    """A path in the user's own cache directory for ``kind`` of thing, named
    after ``key`` (everything it is built from), or False if there is none."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "") or os.path.expanduser("~/.cache")
    if not base or not os.path.isabs(base):
        return False
    folder = Path(base) / "storyfmt"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            return False
    except OSError:
        return False
    return str(folder / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}{suffix}")


def save(path: str, data: bytes) -> None:
    """Write a cache file whole or not at all (another process may be reading
    it); a cache is only ever a saving, so a failure to write is no error."""
    temporary = f"{path}.{os.getpid()}"
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except Exception:
        with contextlib.suppress(OSError):
            os.remove(temporary)
