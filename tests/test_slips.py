"""How storyfmt's diagnostics meet a writer's slips.

Every valid story of the conformance corpus (``tests/corpus/valid``) is changed by
one realistic slip at a time: a Stats key written ``Status:``, a heading in the
wrong case or with a typo, a bullet without its space, an answer deleted, and so
on, the twenty kinds of ``SLIPS``. Each kind is applied at every place of a story
where it can happen, one changed text per place and variant. The diagnostics that
``storyfmt.validate`` gives for the changed text are compared with those of the
original story, which may already hold warnings: those are taken away as a
multiset keyed by code and message (a line number that a message names, such as
``first on line 12``, is left out of the key, since a slip that deletes a line
moves it). What is left are the slip's new diagnostics, and the slip is counted as

- caught: it has at least one new diagnostic, error or warning;
- on the line: its first new diagnostic (in line order) is on the slip's line;
- alone: it has exactly one new diagnostic;
- restored by --fix: ``check --fix --unsafe-fixes`` makes of it the writer's
  story (that story's own warnings fixed too), counted only for the slips one
  repair can undo (not those that delete lines).

A change that leaves the text as it was, or that makes another valid story equal
to the original, is no slip and is not counted. The targets: every slip is caught,
and at least 95% of them are reported first on their own line, and by one
diagnostic only.

Run as a script, the module prints the table of the results; with
``--failures KIND`` (a kind's number or name) it prints too the slips of that
kind that miss a target, with their diagnostics.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import itertools
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import CORPUS

import storyfmt
from storyfmt import Diagnostic, StoryBrief, StoryCard, StoryFormatError
from storyfmt._fixes import repair as fix

STORIES = sorted(
    path for path in (CORPUS / "valid").glob("*.txt") if not path.name.endswith(".out.txt")
)
TARGET = 0.95
"""The share of slips that must be reported on their line, and by one diagnostic."""
EXAMPLES = 15
"""How many failing slips an assertion message shows."""

WHITESPACE = " \t"
KNOWN_KEYS = ("Status", "Duration", "Virality", "Articles", "Political leaning")
CARD_HEADING = re.compile(
    r"(?P<name>Story Stats|Top Keywords|Further Learning)"
    r"|(?P<breakdown>The Breakdown)(?P<count>[ \t]+[0-9]+)?"
)
FOOTER = re.compile(r"You['’]re all caught up")
BRIEF_HEADINGS = (
    "What's Happening?",
    "Why It's Important?",
    "What's Next?",
    "Beyond the Headlines",
)
BULLET = re.compile(r"(?P<marker>[•*-])[ \t]+(?P<text>.*)")
LINE_REFERENCE = re.compile(r"\bline [0-9]+")
DURATION = re.compile(r"(?P<number>[0-9]+)[ \t]+(?P<unit>.*)")

MISSPELT = {
    "Story Stats": "Story Stast",
    "The Breakdown": "The Breakdwon",
    "Top Keywords": "Top Keywrods",
    "Further Learning": "Further Leaning",
}
"""Kind 5's second typo of each card heading (the first drops the last letter)."""
BRIEF_TYPOS = {
    "What's Happening?": ("Whats Happening?", "What's Hapening?"),
    "Why It's Important?": ("Why It's Important", "Why It's Importnt?"),
    "What's Next?": ("Whats Next?", "What's Nxt?"),
    "Beyond the Headlines": (None, "Beyond the Headline"),
}
"""Kind 16's typos of each brief heading: punctuation dropped, then a letter dropped."""


def card_heading(content: str) -> tuple[str, str] | None:
    """The name of the card heading ``content`` is, and its Breakdown count with the
    whitespace before it (empty if none); None for any other line."""
    match = CARD_HEADING.fullmatch(content)
    if match is None:
        return None
    return match["name"] or match["breakdown"], match["count"] or ""


def is_card_heading(content: str) -> bool:
    """Whether ``content`` is a card heading or the footer."""
    return card_heading(content) is not None or FOOTER.fullmatch(content) is not None


def is_brief_heading(content: str) -> bool:
    return content.replace("’", "'") in BRIEF_HEADINGS


class Slip(NamedTuple):
    """One slip: its variant, the changed text, and its 1-based line in that text."""

    variant: str
    text: str
    line: int
    determinate: bool = True
    """Whether one repair gives the story back (not so when lines were deleted)."""


Slips = Iterator[Slip]


@dataclass(frozen=True)
class Story:
    """A valid story of the corpus, as LF text, with the places where slips happen.

    Places are 0-based indexes into ``lines``.
    """

    name: str
    text: str
    lines: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    model: StoryCard | StoryBrief
    header: tuple[int, ...] = ()
    headings: tuple[int, ...] = ()
    """The section headings of a card: Story Stats, The Breakdown, and so on."""
    footer: int | None = None
    stats: tuple[tuple[int, int], ...] = ()
    """Story Stats as (key line, value line) pairs."""
    bullets: tuple[int, ...] = ()
    keywords: int | None = None
    further: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Further Learning as (question line, answer lines) pairs."""
    brief_headings: tuple[int, ...] = ()

    def content(self, index: int) -> str:
        return self.lines[index].strip(WHITESPACE)

    def indent(self, index: int) -> str:
        line = self.lines[index]
        return line[: len(line) - len(line.lstrip(WHITESPACE))]

    @property
    def rank(self) -> int | None:
        """The line of the rank, if the header has one."""
        header = self.header
        if len(header) >= 2 and re.fullmatch("[0-9]+", self.content(header[0])):
            return header[0]
        return None

    @property
    def header_tags(self) -> int | None:
        """The header's tag line, if it has one."""
        after_title = self.header[2:] if self.rank is not None else self.header[1:]
        return next((i for i in after_title if self.content(i).endswith(" /")), None)

    def known_stats(self) -> Iterator[tuple[int, int]]:
        return ((key, value) for key, value in self.stats if self.content(key) in KNOWN_KEYS)

    def blanks_before(self, index: int) -> range:
        start = index
        while start > 0 and not self.content(start - 1):
            start -= 1
        return range(start, index)

    def blanks_after(self, index: int) -> range:
        end = index + 1
        while end < len(self.lines) and not self.content(end):
            end += 1
        return range(index + 1, end)

    def slip(
        self,
        variant: str,
        at: int,
        replace: Mapping[int, str],
        delete: Iterable[int] = (),
        *,
        determinate: bool = True,
    ) -> Slip:
        """The slip that gives lines new contents (keeping their indentation) and
        deletes others, on the line that was ``at``."""
        gone = set(delete)
        lines: list[str] = []
        line = 0
        for index, old in enumerate(self.lines):
            if index in gone:
                continue
            lines.append(self.indent(index) + replace[index] if index in replace else old)
            if index == at:
                line = len(lines)
        return Slip(variant, "\n".join(lines), line, determinate)

    def reads_as_itself(self, text: str, found: Sequence[Diagnostic]) -> bool:
        """Whether ``text`` is a valid story equal to this one."""
        if any(d.severity == "error" for d in found):
            return False
        try:
            return storyfmt.loads(text) == self.model
        except StoryFormatError:
            return False


def survey(path: Path) -> Story:
    """Read a story of the corpus and find its places."""
    data = path.read_bytes()
    text = data.decode("utf-8").removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    model = storyfmt.loads(text)
    story = Story(path.name, text, tuple(text.split("\n")), tuple(storyfmt.validate(data)), model)
    if model.kind == "brief":
        brief_headings = (i for i in range(len(story.lines)) if is_brief_heading(story.content(i)))
        return dataclasses.replace(story, brief_headings=tuple(brief_headings))
    return survey_card(story)


def survey_card(story: Story) -> Story:
    """Find the places of a card: its header, its sections' lines, its footer."""
    contents = [story.content(i) for i in range(len(story.lines))]
    start = next((i for i, content in enumerate(contents) if content), len(contents))
    end = start
    while end < len(contents) and contents[end] and not is_card_heading(contents[end]):
        end += 1
    sections: dict[str, tuple[int, list[list[int]]]] = {}
    blocks: list[list[int]] | None = None
    footer = None
    for index in range(end, len(contents)):
        content = contents[index]
        heading = card_heading(content)
        if heading is not None:
            blocks = []
            sections[heading[0]] = (index, blocks)
        elif FOOTER.fullmatch(content):
            footer, blocks = index, None
        elif blocks is not None and content:
            if blocks and blocks[-1][-1] == index - 1:
                blocks[-1].append(index)
            else:
                blocks.append([index])

    def body(name: str) -> list[list[int]]:
        return sections[name][1] if name in sections else []

    stats = body("Story Stats")[:1]
    keywords = body("Top Keywords")
    further = body("Further Learning")
    return dataclasses.replace(
        story,
        header=tuple(range(start, end)),
        headings=tuple(sorted(heading for heading, _ in sections.values())),
        footer=footer,
        stats=tuple(zip(stats[0][0::2], stats[0][1::2], strict=True)) if stats else (),
        bullets=tuple(itertools.chain.from_iterable(body("The Breakdown"))),
        keywords=keywords[0][0] if keywords else None,
        further=tuple(
            (question, tuple(answer))
            for (question,), answer in zip(further[0::2], further[1::2], strict=True)
        ),
    )


def case_variants(content: str) -> Iterator[tuple[str, str]]:
    """All lower case and sentence case, where they differ from ``content``."""
    for variant, changed in (
        ("lower case", content.lower()),
        ("sentence case", content[:1] + content[1:].lower()),
    ):
        if changed != content:
            yield variant, changed


def heading_typos(content: str) -> Iterator[tuple[str, str]]:
    """Two typos of a card heading or the footer: its last letter dropped, and a
    misspelling; a Breakdown keeps its count."""
    heading = card_heading(content)
    if heading is not None:
        name, count = heading
        yield "last letter dropped", name[:-1] + count
        yield "misspelt", MISSPELT[name] + count
    elif FOOTER.fullmatch(content):
        yield "last letter dropped", content[:-1]
        yield "misspelt", content.replace("caught", "caugth")


def key_colon(story: Story) -> Slips:
    for key, _ in story.known_stats():
        yield story.slip(story.content(key), key, {key: story.content(key) + ":"})


def inline(separator: str) -> Callable[[Story], Slips]:
    def slips(story: Story) -> Slips:
        for key, value in story.known_stats():
            joined = story.content(key) + separator + story.content(value)
            yield story.slip(story.content(key), key, {key: joined}, delete=[value])

    return slips


def heading_case(story: Story) -> Slips:
    for index in story.headings:
        for variant, changed in case_variants(story.content(index)):
            yield story.slip(variant, index, {index: changed})


def heading_typo(story: Story) -> Slips:
    for index in story.headings:
        for variant, changed in heading_typos(story.content(index)):
            yield story.slip(variant, index, {index: changed})


def heading_colon(story: Story) -> Slips:
    for index in story.headings:
        yield story.slip("heading", index, {index: story.content(index) + ":"})
    if story.footer is not None:
        yield story.slip("footer", story.footer, {story.footer: story.content(story.footer) + ":"})


def heading_nbsp(story: Story) -> Slips:
    """Every heading, the first of a brief too (which makes the story a card)."""
    places = [("heading", i) for i in story.headings]
    places += [("footer", story.footer)] if story.footer is not None else []
    places += [("brief heading", i) for i in story.brief_headings]
    for variant, index in places:
        yield story.slip(variant, index, {index: story.content(index).replace(" ", "\xa0", 1)})


def footer_near_miss(story: Story) -> Slips:
    """Two near misses of the footer, and the same right after the last answer."""
    footer = story.footer
    if footer is None:
        return
    misses = (
        ("exclamation mark", story.content(footer) + "!"),
        ("apostrophe dropped", "Youre all caught up"),
    )
    for variant, changed in misses:
        yield story.slip(variant, footer, {footer: changed})
    blanks = story.blanks_before(footer)
    if story.further and blanks and blanks.start == story.further[-1][1][-1] + 1:
        for variant, changed in misses:
            yield story.slip(f"{variant}, after the answer", footer, {footer: changed}, blanks)


def bullet_no_space(story: Story) -> Slips:
    """The first bullet and the middle one."""
    bullets = story.bullets
    places = [("first bullet", bullets[0])] if bullets else []
    places += [("middle bullet", bullets[len(bullets) // 2])] if len(bullets) >= 3 else []
    for variant, index in places:
        match = BULLET.fullmatch(story.content(index))
        assert match is not None, f"{story.name}: line {index + 1} is not a bullet"
        yield story.slip(variant, index, {index: match["marker"] + match["text"]})


def tag_slash(story: Story) -> Slips:
    for variant, index in (("header tags", story.header_tags), ("keywords", story.keywords)):
        if index is not None:
            yield story.slip(variant, index, {index: story.content(index)[:-2] + "/"})


def keywords_no_end(story: Story) -> Slips:
    index = story.keywords
    if index is not None:
        stripped = story.content(index)[:-2].rstrip(WHITESPACE)
        yield story.slip("keywords", index, {index: stripped})


def rank_hash(story: Story) -> Slips:
    """``#`` before the rank, with the header as it is and cut to two and three lines."""
    rank = story.rank
    if rank is None:
        return
    hashed = {rank: "#" + story.content(rank)}
    yield story.slip("hash", rank, hashed)
    for variant, keep in (("hash, two header lines", 2), ("hash, three header lines", 3)):
        if len(story.header) > keep:
            cut = story.header[keep:]
            yield story.slip(variant, rank, hashed, delete=cut, determinate=False)


def question_no_mark(story: Story) -> Slips:
    for question, _ in story.further:
        content = story.content(question)
        if content.endswith("?"):
            yield story.slip("question mark dropped", question, {question: content[:-1]})


def question_no_blank(story: Story) -> Slips:
    for question, answer in story.further:
        yield story.slip("no blank line", answer[0], {}, delete=range(question + 1, answer[0]))


def answer_deleted(story: Story) -> Slips:
    """Each answer but the first and the last, with the blank lines after it."""
    for question, answer in story.further[1:-1]:
        gone = [*answer, *story.blanks_after(answer[-1])]
        yield story.slip("middle answer deleted", question, {}, delete=gone, determinate=False)


def brief_heading_typo(story: Story) -> Slips:
    for index in story.brief_headings[1:]:
        content = story.content(index)
        punctuation, letter = BRIEF_TYPOS[content.replace("’", "'")]
        apostrophe = "’" if "’" in content else "'"
        for variant, changed in (("punctuation dropped", punctuation), ("letter dropped", letter)):
            if changed is not None:
                yield story.slip(variant, index, {index: changed.replace("'", apostrophe)})


def brief_heading_case(story: Story) -> Slips:
    for index in story.brief_headings[1:]:
        for variant, changed in case_variants(story.content(index)):
            yield story.slip(variant, index, {index: changed})


def duration_no_space(story: Story) -> Slips:
    for key, value in story.known_stats():
        match = DURATION.fullmatch(story.content(value))
        if story.content(key) == "Duration" and match:
            yield story.slip("space dropped", value, {value: match["number"] + match["unit"]})


def virality_comma(story: Story) -> Slips:
    for key, value in story.known_stats():
        content = story.content(value)
        if story.content(key) == "Virality" and "." in content:
            yield story.slip("decimal comma", value, {value: content.replace(".", ",")})


def key_for_heading(story: Story) -> Slips:
    """The heading or footer after Story Stats, with no blank line before it, in lower
    case or with a typo: it reads as one more key."""
    if not story.stats:
        return
    blanks = story.blanks_after(story.stats[-1][1])
    heading = blanks.stop
    if heading not in (*story.headings, story.footer):
        return
    content = story.content(heading)
    variants = [("lower case", content.lower())] if content.lower() != content else []
    for variant, changed in [*variants, *heading_typos(content)]:
        yield story.slip(f"{variant}, no blank line", heading, {heading: changed}, blanks)


class Kind(NamedTuple):
    name: str
    slips: Callable[[Story], Slips]


SLIPS: dict[int, Kind] = {
    1: Kind("key-colon", key_colon),
    2: Kind("inline-colon", inline(": ")),
    3: Kind("inline-space", inline(" ")),
    4: Kind("heading-case", heading_case),
    5: Kind("heading-typo", heading_typo),
    6: Kind("heading-colon", heading_colon),
    7: Kind("heading-nbsp", heading_nbsp),
    8: Kind("footer-near-miss", footer_near_miss),
    9: Kind("bullet-no-space", bullet_no_space),
    10: Kind("tag-slash", tag_slash),
    11: Kind("keywords-no-end", keywords_no_end),
    12: Kind("rank-hash", rank_hash),
    13: Kind("question-no-mark", question_no_mark),
    14: Kind("question-no-blank", question_no_blank),
    15: Kind("answer-deleted", answer_deleted),
    16: Kind("brief-heading-typo", brief_heading_typo),
    17: Kind("brief-heading-case", brief_heading_case),
    18: Kind("duration-no-space", duration_no_space),
    19: Kind("virality-comma", virality_comma),
    20: Kind("key-for-heading", key_for_heading),
}
"""Each kind of slip, by number: its name and the slips it makes of a story."""
LABELS = {kind.name: f"{number} {kind.name}" for number, kind in SLIPS.items()}


@dataclass(frozen=True)
class Outcome:
    """One slip and the diagnostics it added to those of the original story."""

    story: str
    kind: str
    variant: str
    line: int
    shown: str
    """The slip's line in the changed text."""
    new: tuple[Diagnostic, ...]
    restored: bool | None = None
    """Whether ``check --fix --unsafe-fixes`` gives the story back; None when no
    one repair can (lines were deleted)."""

    @property
    def caught(self) -> bool:
        return bool(self.new)

    @property
    def on_line(self) -> bool:
        return bool(self.new) and self.new[0].line == self.line

    @property
    def alone(self) -> bool:
        return len(self.new) == 1

    def describe(self) -> str:
        missed = [
            target
            for target, met in (
                ("not caught", self.caught),
                ("not on the line", self.on_line),
                ("not alone", self.alone),
                ("not restored by --fix", self.restored is not False),
            )
            if not met
        ]
        shown = self.shown if len(self.shown) <= 60 else self.shown[:59] + "…"
        lines = [
            f"{self.story}: {LABELS[self.kind]} [{self.variant}], "
            f"line {self.line} {shown!r} ({', '.join(missed)})"
        ]
        lines += [f"    {d.line}:{d.column} {d.code} {d.message}" for d in self.new]
        return "\n".join(lines)


@dataclass
class Tally:
    """The counts of one kind of slip, and its slips that miss a target."""

    count: int = 0
    caught: int = 0
    on_line: int = 0
    alone: int = 0
    repairable: int = 0
    restored: int = 0
    failures: list[Outcome] = field(default_factory=list, repr=False)

    def add(self, outcome: Outcome) -> None:
        self.count += 1
        self.caught += outcome.caught
        self.on_line += outcome.on_line
        self.alone += outcome.alone
        self.repairable += outcome.restored is not None
        self.restored += bool(outcome.restored)
        if not (outcome.caught and outcome.on_line and outcome.alone) or outcome.restored is False:
            self.failures.append(outcome)


def total(tallies: Mapping[str, Tally]) -> Tally:
    whole = Tally()
    for tally in tallies.values():
        whole.count += tally.count
        whole.caught += tally.caught
        whole.on_line += tally.on_line
        whole.alone += tally.alone
        whole.repairable += tally.repairable
        whole.restored += tally.restored
        whole.failures += tally.failures
    return whole


def diagnostic_key(diagnostic: Diagnostic) -> tuple[str, str]:
    """A diagnostic's code and message, without the numbers of the lines the message
    names: a slip that adds or deletes lines moves them."""
    return diagnostic.code, LINE_REFERENCE.sub("line N", diagnostic.message)


def new_diagnostics(
    before: Iterable[Diagnostic], after: Iterable[Diagnostic]
) -> tuple[Diagnostic, ...]:
    """The diagnostics of ``after`` that are not in ``before``, as a multiset keyed by
    code and message."""
    old = Counter(diagnostic_key(d) for d in before)
    new: list[Diagnostic] = []
    for diagnostic in after:
        key = diagnostic_key(diagnostic)
        if old[key]:
            old[key] -= 1
        else:
            new.append(diagnostic)
    return tuple(new)


def fixed_story(text: str) -> StoryCard | StoryBrief | None:
    """The story that ``check --fix --unsafe-fixes`` makes of a text, if it reads."""
    try:
        return storyfmt.loads(fix(text.encode(), unsafe=True).data)
    except StoryFormatError:
        return None


@functools.cache
def measure() -> dict[str, Tally]:
    """Apply every kind of slip to every valid story of the corpus and tally the
    results by kind, in the order of their numbers."""
    tallies = {kind.name: Tally() for kind in SLIPS.values()}
    for path in STORIES:
        story = survey(path)
        # The writer's own story, with the fixes of its own warnings made.
        meant = fixed_story(story.text)
        for kind in SLIPS.values():
            seen = {story.text}
            for slip in kind.slips(story):
                if slip.text in seen:
                    continue
                seen.add(slip.text)
                found = storyfmt.validate(slip.text)
                if story.reads_as_itself(slip.text, found):
                    continue
                shown = slip.text.split("\n")[slip.line - 1]
                new = new_diagnostics(story.diagnostics, found)
                restored = fixed_story(slip.text) == meant if slip.determinate else None
                outcome = Outcome(
                    story.name, kind.name, slip.variant, slip.line, shown, new, restored
                )
                tallies[kind.name].add(outcome)
    return tallies


def format_table(tallies: Mapping[str, Tally]) -> str:
    """A Markdown table of the tallies, with counts and percentages and a total row."""

    def share(part: int, whole: int) -> str:
        return f"{part} ({100 * part / whole:.1f}%)" if whole else f"{part}"

    rows = [
        "| kind | slips | caught | on the line | alone | restored by --fix |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    labelled = [(LABELS.get(name, name), tally) for name, tally in tallies.items()]
    for label, tally in [*labelled, ("total", total(tallies))]:
        rows.append(
            f"| {label} | {tally.count} | {share(tally.caught, tally.count)} "
            f"| {share(tally.on_line, tally.count)} | {share(tally.alone, tally.count)} "
            f"| {share(tally.restored, tally.repairable)} of {tally.repairable} |"
        )
    return "\n".join(rows)


def report(tallies: Mapping[str, Tally], failed: Callable[[Outcome], bool], summary: str) -> str:
    """An assertion message: the summary, the table, and failing slips taken in turn
    from each kind."""
    kinds = [[o for o in tally.failures if failed(o)] for tally in tallies.values()]
    examples = [o for row in itertools.zip_longest(*kinds) for o in row if o is not None]
    return "\n".join(
        [
            summary,
            "",
            format_table(tallies),
            "",
            f"{min(len(examples), EXAMPLES)} of {len(examples)} failing slips:",
            *(o.describe() for o in examples[:EXAMPLES]),
        ]
    )


def test_every_kind_finds_places() -> None:
    tallies = measure()
    print(f"\n{format_table(tallies)}")
    assert all(tally.count for tally in tallies.values()), format_table(tallies)


def test_every_slip_is_caught() -> None:
    tallies = measure()
    short = [LABELS[name] for name, tally in tallies.items() if tally.caught < tally.count]
    summary = f"slips that give no new diagnostic, in: {', '.join(short)}"
    assert not short, report(tallies, lambda o: not o.caught, summary)


@pytest.mark.parametrize(
    ("measure_", "words"),
    [
        ("on_line", "first new diagnostic on the slip's line"),
        ("alone", "exactly one new diagnostic"),
    ],
    ids=["first-problem-on-the-slips-line", "one-diagnostic-per-slip"],
)
def test_the_targets_are_met(measure_: str, words: str) -> None:
    tallies = measure()
    whole = total(tallies)
    met = getattr(whole, measure_)
    summary = f"{words} for {met} of {whole.count} slips"
    assert met >= TARGET * whole.count, report(
        tallies, lambda outcome: not getattr(outcome, measure_), summary
    )


def test_fix_gives_back_the_writers_story() -> None:
    """After ``check --fix --unsafe-fixes``, a slip whose repair is determinate
    reads as the writer's story (with the fixes of its own warnings made)."""
    tallies = measure()
    whole = total(tallies)
    summary = f"restored by --fix for {whole.restored} of {whole.repairable} repairable slips"
    assert whole.restored >= TARGET * whole.repairable, report(
        tallies, lambda outcome: outcome.restored is False, summary
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure storyfmt's diagnostics of slips.")
    parser.add_argument(
        "--failures",
        metavar="KIND",
        help="also print the slips of this kind (number or name) that miss a target",
    )
    wanted: str | None = parser.parse_args(argv).failures
    names = {str(number): kind.name for number, kind in SLIPS.items()}
    names.update({kind.name: kind.name for kind in SLIPS.values()})
    if wanted is not None and wanted not in names:
        parser.error(f"unknown kind {wanted!r}: give a number from 1 to {len(SLIPS)} or a name")
    tallies = measure()
    print(format_table(tallies))
    if wanted is not None:
        failures = tallies[names[wanted]].failures
        print(f"\n{len(failures)} slips of {LABELS[names[wanted]]} miss a target:")
        for outcome in failures:
            print(outcome.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
