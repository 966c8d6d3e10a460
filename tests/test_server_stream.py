"""``storyfmt server``'s JSON-RPC stream at its edges, spoken byte by byte to a
real server process: what comes before ``initialize``, a body that is not JSON,
a wrong ``Content-Length``, and how the session ends."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest

pytest.importorskip("pygls")
pytestmark = pytest.mark.slow


def frame(message: dict[str, Any] | bytes, length: int | None = None) -> bytes:
    """A message as the stream carries it: its length, a blank line, its body."""
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%b" % (len(body) if length is None else length, body)


def request(number: int, method: str, params: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": number, "method": method, "params": params}


INITIALIZE = request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})
INITIALIZED = {"jsonrpc": "2.0", "method": "initialized", "params": {}}
SHUTDOWN = request(90, "shutdown")
EXIT = {"jsonrpc": "2.0", "method": "exit"}
HOVER = {"textDocument": {"uri": "file:///a.story"}, "position": {"line": 0, "character": 0}}


def session(*chunks: bytes) -> tuple[dict[Any, dict[str, Any]], str, int]:
    """Send the chunks to a server, then end its input: its answers by id, what
    it wrote to stderr, and its exit status."""
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt", "server"],
        input=b"".join(chunks),
        capture_output=True,
        timeout=120,
        check=False,
    )
    answers: dict[Any, dict[str, Any]] = {}
    stream = done.stdout
    while stream:
        header = re.match(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n", stream)
        assert header is not None, stream[:200]
        end = header.end() + int(header[1])
        message = json.loads(stream[header.end() : end])
        stream = stream[end:]
        if "id" in message and "method" not in message:
            answers[message["id"]] = message
    return answers, done.stderr.decode(), done.returncode


def test_a_request_before_initialize_is_refused_as_not_initialized() -> None:
    hover = request(7, "textDocument/hover", HOVER)
    answers, stderr, status = session(frame(hover), frame(INITIALIZE), frame(SHUTDOWN), frame(EXIT))
    assert answers[7]["error"]["code"] == -32002
    assert "result" in answers[1], "initialize after it still works"
    assert status == 0, stderr


def test_a_body_that_is_not_json_is_a_parse_error_without_a_traceback() -> None:
    answers, stderr, status = session(
        frame(INITIALIZE), frame(b"{not json"), frame(SHUTDOWN), frame(EXIT)
    )
    assert answers[None]["error"]["code"] == -32700
    assert "Traceback" not in stderr
    assert "result" in answers[90], "the session goes on"
    assert status == 0


@pytest.mark.parametrize("wrong", [-5, +7], ids=["short", "long"])
def test_a_wrong_content_length_costs_only_the_messages_it_spans(wrong: int) -> None:
    hover = request(5, "textDocument/hover", HOVER)
    body = json.dumps(hover).encode()
    then = request(6, "shutdown")
    answers, stderr, status = session(
        frame(INITIALIZE),
        frame(INITIALIZED),
        frame(body, len(body) + wrong),
        # A long length swallows the start of this one: it is lost, and no more.
        frame(request(8, "workspace/symbol", {"query": ""})),
        frame(then),
        frame(EXIT),
    )
    assert answers[None]["error"]["code"] == -32700
    assert "result" in answers[6], f"the stream is in step again: {answers}"
    assert "Traceback" not in stderr
    assert status == 0


def test_a_request_with_wrong_params_is_answered_without_a_traceback() -> None:
    wrong = request(4, "textDocument/hover", {"textDocument": {}})
    answers, stderr, status = session(frame(INITIALIZE), frame(wrong), frame(SHUTDOWN), frame(EXIT))
    assert answers[4]["error"]["code"] == -32602
    assert "Traceback" not in stderr
    assert status == 0


def test_exit_without_shutdown_ends_with_status_one() -> None:
    _, _, status = session(frame(INITIALIZE), frame(INITIALIZED), frame(EXIT))
    assert status == 1
    _, _, status = session(frame(INITIALIZE), frame(INITIALIZED), frame(SHUTDOWN), frame(EXIT))
    assert status == 0
