"""A writer's slips, each caught once, on its line, in words a writer knows.

Each test is a case that once passed as a different valid story, landed on
another line, or came with a cascade of errors; ``test_slips.py`` measures the
same on every story of the corpus.
"""

from __future__ import annotations

import pytest

import storyfmt


def _found(text: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.code, d.severity) for d in storyfmt.validate(text)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Title\n\nTop Keywords\n\nUkraine / NATO / Zelensky / /\n", 5),
        ("Title\nUkraine / NATO / /\n", 2),
    ],
)
def test_no_tag_ends_with_a_slash(text: str, line: int) -> None:
    assert _found(text) == [(line, "SF214", "error")]
    with pytest.raises(storyfmt.StoryFormatError):
        storyfmt.loads(text)
