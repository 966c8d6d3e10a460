"""Compiled regular expressions kept between processes.

The :mod:`re` module compiles in Python, and a process that reads stories
compiles many patterns: Lark's lexers (one alternation of terminals for each
set of terminals a parser state accepts), which Lark does not cache, and the
patterns of storyfmt, pydantic and lark compiled as they are imported. That was
the largest part of what importing storyfmt cost beyond importing its
dependencies.

This module keeps what :mod:`re` compiles each pattern into (the program
:func:`_sre.compile` takes) in the user's own cache, and puts the compiled
patterns in :mod:`re`'s cache before anything asks for them; :mod:`re` then
finds them compiled. It is imported first of all storyfmt's modules, which
reads the file back; :func:`keep` adds the patterns compiled since. Only what
is compiled while storyfmt is imported and sets itself up is kept, never what
a program compiles later. The programs belong to one build of one Python and
one grammar, which the file's name says; on any doubt (a file that does not
read back, a program the running :mod:`re` refuses) nothing is put in the
cache and :mod:`re` compiles as usual.
"""

from __future__ import annotations

import importlib
import marshal
import re
import sys
from typing import Any

from storyfmt._shipped import shipped_text
from storyfmt._usercache import cache_file, save

if sys.version_info >= (3, 11):
    from re import _compiler, _parser
else:
    import sre_compile as _compiler
    import sre_parse as _parser

_sre: Any = importlib.import_module("_sre")  # re's engine; typeshed has no stubs for it

Program = tuple[str | bytes, int, int, list[int], int, dict[str, int], tuple[str | None, ...]]
"""A compiled pattern's parts: the pattern and flags it was asked with, then the
arguments of :func:`_sre.compile`: flags, code, groups, group index, index group."""

_BUILD = f"{sys.version}|{sys.implementation.cache_tag}|{_sre.MAGIC}|{_sre.CODESIZE}"

_MOST = 400
"""The most patterns a file keeps (re's own cache holds 512): past this, a file
starts again from the patterns of the process that writes it."""


def program(pattern: str | bytes, flags: int) -> Program:
    """What :func:`re.compile` compiles ``pattern`` into, before the last step."""
    parsed = _parser.parse(pattern, flags)  # type: ignore[arg-type]  # bytes too, as re does
    code = _compiler._code(parsed, flags)  # type: ignore[attr-defined]
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    # Plain ints: the code holds re's named constants.
    return (
        pattern,
        int(flags),
        int(flags | parsed.state.flags),
        [int(word) for word in code],
        parsed.state.groups - 1,
        groupindex,
        tuple(indexgroup),
    )


def _compiled(entry: Program) -> re.Pattern[Any]:
    pattern, _, flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)  # type: ignore[no-any-return]


class Patterns:
    """The compiled patterns kept in one file.

    ``path`` is a file in a directory only the user owns, or None to keep nothing.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.seen: set[Any] = set()
        self.read = False
        """Whether patterns were read back from the file."""
        self.written = False
        """Whether this process wrote the file."""
        cache = getattr(re, "_cache", None)  # re's cache, keyed by (type, pattern, flags)
        self.cache: dict[Any, Any] | None = cache if isinstance(cache, dict) else None

    def _entries(self) -> list[Program]:
        """The programs in the file, as :func:`program` gives them."""
        assert self.path is not None
        with open(self.path, "rb") as handle:
            entries: list[Program] = marshal.loads(handle.read())
        return entries

    def load(self) -> None:
        """Put the patterns of the file in :mod:`re`'s cache.

        The programs are not kept once compiled (the code of each is a list
        of ints, which weighed more than the patterns): :meth:`keep` reads the
        file again, in the rare process that has patterns to add.
        """
        if self.cache is None or self.path is None:
            return
        try:
            compiled = {
                (type(entry[0]), entry[0], entry[1]): _compiled(entry) for entry in self._entries()
            }
        except Exception:  # no file yet, or one this Python cannot use
            compiled = {}
        self.cache.update(compiled)
        self.read = bool(compiled)
        self.seen = set(self.cache)

    def leave_out(self) -> None:
        """Forget the patterns compiled since the file was read or last kept: what
        needs one of them later compiles it again, and it is kept then. (For
        what is built once and then read from a cache of its own.)"""
        if self.cache is None:
            return
        for cache in (self.cache, getattr(re, "_cache2", None)):  # _cache2: Python 3.12 on
            if isinstance(cache, dict):
                for key in [key for key in cache if key not in self.seen]:
                    del cache[key]

    def keep(self) -> None:
        """Add to the file the patterns compiled since it was read or last kept."""
        if self.cache is None or self.path is None:
            return
        new = [key for key in self.cache if key[0] in (str, bytes) and key not in self.seen]
        self.seen.update(new)
        if not new:
            return
        # The file's programs, if this process read them or wrote them (a file
        # that was of no use starts anew).
        try:
            kept = self._entries() if self.read or self.written else []
        except Exception:  # gone since, or replaced by one that does not read
            kept = []
        programs = {(entry[0], entry[1]): entry for entry in kept}
        if len(programs) + len(new) > _MOST:
            programs = {}
        programs.update(((key[1], key[2]), program(key[1], key[2])) for key in new)
        save(self.path, marshal.dumps(list(programs.values())))
        self.written = True


def _shared() -> Patterns:
    path = cache_file(shipped_text("grammar/story.lark") + _BUILD, "patterns", ".re")
    patterns = Patterns(path if isinstance(path, str) else None)
    patterns.load()
    return patterns


SHARED = _shared()
"""The patterns storyfmt compiles as it is imported and sets up its parsers,
read back when this module is imported (first of storyfmt's modules)."""


def keep() -> None:
    """Keep the patterns compiled since storyfmt's import began (see :data:`SHARED`)."""
    SHARED.keep()
