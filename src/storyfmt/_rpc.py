"""The language server's JSON-RPC stream, held to the specification where pygls
is lenient: a request before ``initialize`` gets error -32002, a body that is
not JSON gets error -32700 (and no traceback), a wrong ``Content-Length`` costs
the messages it spans and no more, and ``exit`` without ``shutdown`` ends the
server with status 1.

It needs the ``lsp`` extra (pygls and lsprotocol).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
import threading
from contextlib import suppress
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcParseError, JsonRpcServerNotInitialized
from pygls.io_ import StdoutWriter
from pygls.protocol import LanguageServerProtocol

# A header may come glued to what is left of a body whose length was given
# short: it is looked for at the end of the line, so that the stream recovers.
_LENGTH = re.compile(rb"Content-Length:[ \t]*([0-9]+)[ \t]*\r?\n\Z", re.IGNORECASE)


class StoryProtocol(LanguageServerProtocol):
    """pygls's protocol, answering what comes before ``initialize`` as the
    specification says, and keeping how the session ended."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initializing = False
        self.shut_down = False
        self.status: int | None = None
        """The exit status the client asked for with ``exit``, once it has."""

    def refuse(self, number: Any, error: JsonRpcException) -> None:
        """Answer a request with an error (one without an id: a message that
        could not be read)."""
        answer = error.to_response_error()
        # Written whole: pygls leaves out an id that is null, which JSON-RPC requires.
        self._send_data(
            {
                "jsonrpc": "2.0",
                "id": number,
                "error": {"code": answer.code, "message": answer.message},
            }
        )

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        if method == types.SHUTDOWN:
            self.shut_down = True
        elif method == types.EXIT:
            self.status = 0 if self.shut_down else 1
        elif method == types.INITIALIZE:
            self.initializing = True
        elif method is not None and not self.initializing:
            if getattr(message, "id", None) is not None:  # a request; a notification is dropped
                self.refuse(message.id, JsonRpcServerNotInitialized(f"{method} before initialize"))
            return
        super().handle_message(message)


class _Input:
    """The input stream, read from its file descriptor: a thread blocked in a
    read then holds no lock that would stop the interpreter from ending."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.held = bytearray()

    def _more(self) -> bool:
        data = os.read(self.descriptor, 1 << 16)
        self.held += data
        return bool(data)

    def readline(self) -> bytes:
        while (end := self.held.find(b"\n")) < 0:
            if not self._more():
                end = len(self.held) - 1
                break
        line = bytes(self.held[: end + 1])
        del self.held[: end + 1]
        return line

    def read(self, size: int) -> bytes:
        while len(self.held) < size and self._more():
            pass
        data = bytes(self.held[:size])
        del self.held[:size]
        return data


def _frames(stream: _Input, deliver: Any) -> None:
    """Read message bodies from ``stream``, each after its headers, and hand each
    to ``deliver``; None at the end of the stream."""
    length: int | None = None
    while True:
        line = stream.readline()
        if not line:
            break
        if length is None:
            found = _LENGTH.search(line)
            if found is not None:
                length = int(found[1])
            continue
        if line.strip():  # another header, such as Content-Type
            continue
        body = stream.read(length)
        length = None
        if not body:
            break
        deliver(body)
    deliver(None)


def _id_of(body: bytes) -> Any:
    """The id of a message that is JSON, if it has one."""
    message = json.loads(body)
    return message.get("id") if isinstance(message, dict) else None


async def _serve(protocol: StoryProtocol, stdin: BinaryIO, writer: StdoutWriter) -> None:
    loop = asyncio.get_running_loop()
    bodies: asyncio.Queue[bytes | None] = asyncio.Queue()

    def deliver(body: bytes | None) -> None:
        loop.call_soon_threadsafe(bodies.put_nowait, body)

    # A thread of its own, which never keeps the process from ending.
    threading.Thread(target=_frames, args=(_Input(stdin.fileno()), deliver), daemon=True).start()
    while protocol.status is None:
        body = await bodies.get()
        if body is None:
            return
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except JsonRpcException as error:  # JSON, but not a message of the protocol
            protocol.refuse(_id_of(body), error)
            continue
        except ValueError as error:  # not JSON, or not UTF-8
            protocol.refuse(None, JsonRpcParseError(f"the message is not JSON: {error}"))
            continue
        try:
            protocol.handle_message(message)
        except Exception as error:
            sys.stderr.write(f"storyfmt server: a message was not handled: {error}\n")


class _OneLine(logging.Formatter):
    """pygls's log records as one line each: a message, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return f"storyfmt server: {record.getMessage().splitlines()[0]}"


def serve_stream(protocol: StoryProtocol, stdin: BinaryIO, stdout: BinaryIO) -> int:
    """Serve the protocol on a pair of streams until the client exits or the
    input ends; return the exit status: 1 after ``exit`` without ``shutdown``."""
    log = logging.StreamHandler(sys.stderr)
    log.setFormatter(_OneLine())
    log.setLevel(logging.WARNING)
    logging.getLogger("pygls").addHandler(log)
    writer = StdoutWriter(stdout)
    protocol.set_writer(writer)
    with suppress(SystemExit):  # pygls ends the loop on exit
        asyncio.run(_serve(protocol, stdin, writer))
    return protocol.status or 0
