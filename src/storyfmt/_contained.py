"""Plugin rules, contained: they run in a process of their own, so that a rule
that ends its process, or never returns, is that rule's failure and stops
nothing else.

The process is started when a plugin rule first checks a story, and serves
every story after it; one that a rule ended or that ran out of time is
replaced by a new one for the next story. Stories, places and warnings go
through its standard input and output, pickled, each message after its
length; standard output is the messages' alone, so that what a rule prints,
even through the file descriptor, goes to standard error.

Run as ``python -m storyfmt._contained``, this module is that process.
"""

from __future__ import annotations

import atexit
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import IO, TYPE_CHECKING, Any

from storyfmt._house import _raised

if TYPE_CHECKING:
    from storyfmt._diagnostics import Diagnostic
    from storyfmt._house._base import Options, Story, StoryRule
    from storyfmt._transform import Path_, Where
    from storyfmt._values import Span

_LENGTH = struct.Struct("<Q")
_START = 60.0
"""Seconds a new process may take to start, and to import the plugins it needs."""


def _send(stream: IO[bytes], message: object) -> None:
    _write(stream, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def _write(stream: IO[bytes], data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    """The next message; EOFError when the other end has gone."""
    return pickle.loads(_frame(stream))


def _frame(stream: IO[bytes]) -> bytes:
    """The bytes of the next message; EOFError when the other end has gone."""
    header = stream.read(_LENGTH.size)
    if len(header) < _LENGTH.size:
        raise EOFError
    (length,) = _LENGTH.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError
    return data


def places(story: Story, where: Where) -> dict[Path_, Span | None]:
    """Where each value of a story stands, by its path: ``where`` as a table that
    can go to another process."""
    table: dict[Path_, Span | None] = {}

    def walk(value: object, path: Path_) -> None:
        if path:
            table[path] = where(path)
        if isinstance(value, Mapping):
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, (list, tuple)):
            for number, item in enumerate(value):
                walk(item, (*path, number))

    walk(story.model_dump(), ())
    return table


class Outcome:
    """What became of one contained rule on one story: its warnings, or why it failed."""

    __slots__ = ("failure", "found")

    def __init__(self, found: list[Diagnostic] | None = None, failure: str = "") -> None:
        self.found = found or []
        self.failure = failure


class _Process:
    """One process that runs plugin rules, and the thread that reads its replies."""

    def __init__(self) -> None:
        self.owner = os.getpid()
        # The child finds storyfmt and the plugins where this process does,
        # even where a program put them on its path itself.
        path = os.pathsep.join(entry for entry in sys.path if entry)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "storyfmt._contained"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        assert self.popen.stdin is not None
        assert self.popen.stdout is not None
        self.requests = self.popen.stdin
        self.replies: queue.Queue[object] = queue.Queue()
        threading.Thread(target=self._read, args=(self.popen.stdout,), daemon=True).start()
        _send(self.requests, (os.getpid(), list(sys.path)))

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            try:
                data = _frame(stream)
            except (EOFError, OSError):
                self.replies.put(EOFError())
                return
            try:
                self.replies.put(pickle.loads(data))
            except Exception as error:  # a reply of its own: the next ones still follow
                self.replies.put(f"gave warnings that cannot be read back: {_raised(error)}")

    def ask(self, message: bytes) -> None:
        _write(self.requests, message)

    def reply(self, seconds: float) -> object:
        """The next reply, waiting at most ``seconds``.

        Raises:
            TimeoutError: none came in time.
            EOFError: the process ended.
        """
        try:
            found = self.replies.get(timeout=seconds)
        except queue.Empty:
            raise TimeoutError from None
        if isinstance(found, EOFError):
            raise found
        return found

    def ended(self) -> str:
        """How the process ended, once it has."""
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.stop()
            return "stopped answering"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            return f"was killed by {name}"
        return f"exited with code {code}"

    def stop(self) -> None:
        """End the process, whatever it is doing."""
        with suppress(OSError):
            self.popen.kill()
            self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout):
            if stream is not None:
                with suppress(OSError):
                    stream.close()


class _Runner:
    """The process of this one that runs plugin rules, started when first needed."""

    def __init__(self) -> None:
        self.process: _Process | None = None
        self.lock = threading.Lock()  # the language server checks in threads: one at a time

    def stop(self) -> None:
        if self.process is not None and self.process.owner == os.getpid():
            self.process.stop()
        self.process = None

    def run(
        self,
        rules: Sequence[tuple[StoryRule, Options]],
        story: Story,
        table: dict[Path_, Span | None],
        limit: float,
    ) -> list[Outcome]:
        """See :func:`run`."""
        with self.lock:
            for number, (_, options) in enumerate(rules):
                try:
                    pickle.dumps(options)
                except Exception as error:
                    # The rules before it are run again, once it is left out.
                    failure = f"has options that cannot go to its process: {_raised(error)}"
                    return [*(Outcome() for _ in range(number)), Outcome(failure=failure)]
            codes = [(rule.code, options) for rule, options in rules]
            message = pickle.dumps((codes, story, table), protocol=pickle.HIGHEST_PROTOCOL)
            # A process started before this one was forked is its parent's.
            if self.process is None or self.process.owner != os.getpid():
                try:
                    self.process = _Process()
                except OSError as error:
                    return [Outcome(failure=f"could not start its process: {error}")]
            process = self.process
            outcomes: list[Outcome] = []
            try:
                process.ask(message)
                ready = process.reply(_START)
                if ready != "ready":
                    self.stop()
                    return [Outcome(failure=str(ready))]
                for _ in rules:
                    found = process.reply(limit)
                    outcomes.append(
                        Outcome(found) if isinstance(found, list) else Outcome(failure=str(found))
                    )
            except TimeoutError:
                self.stop()
                late = f"did not return within {limit:g} s, its time limit (rule-timeout)"
                outcomes.append(Outcome(failure=late))
            except (EOFError, OSError):
                how = process.ended()
                self.stop()
                outcomes.append(Outcome(failure=f"ended the process it ran in: it {how}"))
            return outcomes


_RUNNER = _Runner()
atexit.register(_RUNNER.stop)


def run(
    rules: Sequence[tuple[StoryRule, Options]],
    story: Story,
    table: dict[Path_, Span | None],
    limit: float,
) -> list[Outcome]:
    """The outcome of each rule on a story, in the order of ``rules``, each rule
    given ``limit`` seconds. After a rule that ended the process or ran out of
    time, no more outcomes come: the rules after it are to be run again without it."""
    return _RUNNER.run(rules, story, table, limit)


def _watch(parent: int) -> None:
    """End this process once its parent has gone, even while a rule runs on."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    from storyfmt._plugins import rule_of  # noqa: PLC0415 - only the contained process needs it

    while True:
        try:
            codes, story, table = _receive(requests)
        except EOFError:
            return
        rules: list[tuple[StoryRule, Options]] = []
        for code, options in codes:
            found = rule_of(code)
            if found is None:
                _send(replies, f"its plugin could not be loaded in its process to check {code}")
                break
            rules.append((found[1], options))
        else:
            _send(replies, "ready")

            def where(path: Path_, table: dict[Path_, Span | None] = table) -> Span | None:
                return table.get(tuple(path))

            for rule, options in rules:
                reply: object
                try:
                    reply = list(rule.check(story, where, options))
                except BaseException as error:
                    reply = f"raised {_raised(error)}"
                try:
                    _send(replies, reply)
                except Exception as error:
                    _send(replies, f"gave warnings that cannot be sent back: {_raised(error)}")


def main() -> None:
    """Serve the rules of plugins to the process that started this one."""
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # what a rule prints goes to standard error
    sys.stdout = sys.stderr
    requests = os.fdopen(os.dup(0), "rb")
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # a rule that reads its input reads nothing
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent to handle
    try:
        parent, path = _receive(requests)
    except EOFError:
        return
    sys.path[:] = path
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    _serve(requests, replies)


if __name__ == "__main__":
    main()
