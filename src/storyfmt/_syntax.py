"""Syntax errors: each one explained in the words of the format, and mended so
that parsing goes on and finds the story's other problems.

Where a line does not fit, the terminal the parser expected says what the
story needed there, and :data:`WANTED` turns it into a code and a sentence.
The error is then mended as a person would read the story:

- a wrong line stands for the line expected there (``Virality`` then ``high``
  is a Virality with a bad value, and the pairs after it still pair up);
- a missing line is stood in for, and what came instead is read again (a
  heading right after ``Story Stats``);
- lines that fit nowhere are skipped, up to the next heading.

Messages quote the story's own lines, never the grammar's names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from lark import Token

from storyfmt._codes import Applicability, Rule
from storyfmt._diagnostics import (
    Diagnostic,
    Edit,
    Fix,
    diagnostic,
    quote,
    replace_line,
)
from storyfmt._grammar import Fault, Stand
from storyfmt._nearmiss import NearMiss, as_tag_line, missed_heading, near_miss
from storyfmt._transform import Part, Stat, heading_hint
from storyfmt._values import content
from storyfmt._vocabulary import (
    BRIEF_SECTIONS,
    DURATION_UNITS,
    SECTIONS,
    STATS_FIELDS,
    STATS_KEY_TERMINALS,
    Kind,
    Section,
    headings_of,
    section_of,
)

BULLET_MARKERS = frozenset("\u2022-*")
"""The characters that mark a bullet line when whitespace follows them."""


class Wanted(NamedTuple):
    """What the parser wanted where a line did not fit, in the words of the format.

    Messages may name ``{key}`` (the line before), ``{heading}`` (the section's
    heading) and ``{found}`` (the line that came instead).
    """

    stand_in: tuple[str, ...]
    """The terminals fed to the parser in place of the missing or wrong line."""
    missing: tuple[Rule, str]
    """Code and message when a heading, a blank line or the end came instead."""
    wrong: tuple[Rule, str] | None
    """Code and message when a line of another kind came instead."""


_NO_VALUE = (Rule.MISSING_VALUE, "{key} has no value line")

WANTED: dict[str, Wanted] = {
    "VALUE": Wanted(("VALUE",), _NO_VALUE, None),
    "DURATION": Wanted(
        ("DURATION",),
        _NO_VALUE,
        (
            Rule.INVALID_DURATION,
            "Duration must be a whole number and a unit"
            f" ({', '.join(DURATION_UNITS[:-1])} or {DURATION_UNITS[-1]}), got {{found}}",
        ),
    ),
    "DECIMAL": Wanted(
        ("DECIMAL",), _NO_VALUE, (Rule.INVALID_NUMBER, "Virality must be a number, got {found}")
    ),
    "INTEGER": Wanted(
        ("INTEGER",),
        _NO_VALUE,
        (Rule.INVALID_INTEGER, "Articles must be a whole number, got {found}"),
    ),
    "OTHER_KEY": Wanted(
        ("OTHER_KEY", "VALUE"),
        (Rule.EMPTY_SECTION, "{heading} has no key and value lines"),
        (Rule.MISSING_VALUE, "{found}: a key and its value go on two lines"),
    ),
    "BULLET": Wanted(
        ("BULLET",),
        (Rule.EMPTY_SECTION, "{heading} has no bullet points"),
        (
            Rule.UNEXPECTED_LINE,
            "expected a bullet line ('  \u2022 text') or a section heading, found {found}",
        ),
    ),
    "FIRST_TAG": Wanted(
        ("FIRST_TAG", "TAG_END"),
        (Rule.EMPTY_SECTION, "{heading} has no tag line"),
        (Rule.NOT_A_TAG_LINE, "expected a tag line ending with ' /', got {found}"),
    ),
    "QUESTION": Wanted(
        ("QUESTION", "ANSWER"), (Rule.EMPTY_SECTION, "{heading} has no questions"), None
    ),
    "ANSWER": Wanted(("ANSWER",), (Rule.MISSING_ANSWER, "the question {key} has no answer"), None),
    "PARAGRAPH": Wanted(("PARAGRAPH",), (Rule.EMPTY_SECTION, "{heading} has no text"), None),
    "TITLE": Wanted(
        ("TITLE",),
        (Rule.MISSING_TITLE, "a card starts with its title, found the heading {found}"),
        (Rule.INVALID_TEXT, "the title {found} is a brief heading, which makes the story a brief"),
    ),
}
"""The one table from the terminal the parser expected to what the story lacks:
the first of these terminals in the parser's expected set names the error."""

_HINTS = {
    Rule.MISSING_VALUE: "Story Stats holds pairs of lines: a key, then its value",
    Rule.NOT_A_TAG_LINE: "write the keywords as 'First / Second / Third /'",
    Rule.INVALID_NUMBER: "write a decimal number such as 5.1 or 12",
}
_AFTER_BLANK_HINTS = {
    None: "the header ends at the first blank line",
    "STATS": "a blank line ends the Story Stats pairs",
    "KEYWORDS": "Top Keywords holds one tag line",
}
_MAX_TRIES = 4
_ORDER = {section.field: index for index, section in enumerate(SECTIONS)}
_TERMINALS = {section.terminal: section for section in SECTIONS}
_NEGATIVE = {
    "DURATION": ("Duration", re.compile(rf"-[0-9]+[ \t]+(?:{'|'.join(DURATION_UNITS)})s?")),
    "DECIMAL": ("Virality", re.compile(r"-[0-9]+(?:\.[0-9]+)?")),
    "INTEGER": ("Articles", re.compile(r"-[0-9]+")),
}
_KNOWN_KEY_PAIR = re.compile(
    "(" + "|".join(map(re.escape, STATS_FIELDS)) + r")([ \t]*:[ \t]*|[ \t]+)(.*)"
)
_COLON_PAIR = re.compile(r"(.+?)([ \t]*:)(?:[ \t]+(.*))?")
_DIGITS_ONLY = re.compile(r"[0-9]+")
_DURATION_WRITTEN = re.compile(r"([0-9]+)([ \t]*)([A-Za-z]+)")
_DECIMAL_COMMA = re.compile(r"[0-9]+,[0-9]+")
_RANK_LIKE = re.compile(r"[^\w\s]*[ \t]*[0-9]+[ \t]*[^\w\s]*")


def _line_at(text: str, start: int) -> tuple[str, int]:
    """The content of the line that starts at ``start``, and where the next line starts."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end + 1
    return text[start:end].strip(" \t\n"), end


def _content(token: Token) -> str:
    return str(token.value).strip(" \t\n")


def _first_line(text: str, start: int, wanted: Callable[[str], bool]) -> int:
    """Where the first line at or after ``start`` whose content is ``wanted``
    starts; the end of the text if there is none."""
    pos = start
    while pos < len(text):
        line, end = _line_at(text, pos)
        if wanted(line):
            return pos
        pos = end
    return len(text)


def _past_blanks(text: str, start: int) -> int:
    """Where the first line at or after ``start`` that is not blank starts."""
    return _first_line(text, start, bool)


Mend = Callable[[int, int, str], Fix]
"""Makes the fix of a problem from the line, column and content of the line at fault."""


def rewrite(new: str, message: str, applicability: Applicability = "safe") -> Mend:
    """A fix that writes the content of the line at fault as ``new``."""

    def mend(line: int, column: int, content: str) -> Fix:
        return replace_line(
            line, column, content, new, message=message, applicability=applicability
        )

    return mend


def _blank_line_before(line: int, column: int, content: str) -> Fix:
    edit = Edit(line, 1, line, 1, "\n")
    return Fix("safe", "insert a blank line between the question and its answer", (edit,))


def _pair(found: str) -> tuple[str, bool, str] | None:
    """A Story Stats key line that holds more than a key: the key, whether a
    colon follows it, and the value after it ('' when there is none)."""
    known = _KNOWN_KEY_PAIR.fullmatch(found)
    if known is not None:
        return known[1], ":" in known[2], known[3]
    colon = _COLON_PAIR.fullmatch(found)
    if colon is not None:
        return colon[1], True, colon[3] or ""
    return None


def _missed(found: str, miss: NearMiss) -> tuple[str, str, Mend]:
    """The message, hint and fix for a line that is a heading written another way."""
    message, hint = missed_heading(found, miss)
    return message, hint, rewrite(miss.meant, f"write the heading as {quote(miss.meant)}")


def _heading_advice(found: str, kind: Kind) -> tuple[str | None, Mend | None]:
    """The hint for a line that may be a heading written another way, and its fix."""
    miss = near_miss(found, headings_of(kind))
    if miss is None:
        return heading_hint(found) if kind == "card" else None, None
    _, hint, fix = _missed(found, miss)
    return hint, fix


class Recovery:
    """Explains and mends the syntax errors of one story, collecting the diagnostics."""

    def __init__(self, text: str, kind: Kind, problems: list[Diagnostic]) -> None:
        self.text = text
        self.kind = kind
        self.problems = problems
        self.mended_at = -1
        self.times = 0

    def __call__(self, fault: Fault) -> bool:
        # Each mending either takes the line or moves past it; should one leave
        # the parser stuck on the same line, the line is skipped instead.
        self.times = self.times + 1 if fault.pos == self.mended_at else 1
        self.mended_at = fault.pos
        if self.times > _MAX_TRIES:
            if fault.at_end:
                return False
            fault.move_to(_line_at(self.text, fault.line_start)[1])
            return True
        found, next_line = (
            ("", fault.pos) if fault.at_end else _line_at(self.text, fault.line_start)
        )
        here = fault.pos if fault.at_end else fault.line_start
        what = section_of(found, self.kind) if found else None
        previous = fault.previous()
        heading = self._heading(fault)
        if self.kind == "card" and not self.problems and self._brief_misread(fault):
            return False
        if previous is not None and previous.type == "FOOTER":
            return self._after_footer(fault, previous, found)
        if heading is None and previous is not None and previous.type == "RANK":
            return self._after_rank(fault, previous, found, here, next_line)
        if found and what is None and self._as_heading(fault, found, next_line):
            return True
        if heading is not None and heading.type == "STATS" and self._key_for_heading(fault, here):
            return True
        if self.kind == "card" and heading is None and previous is not None and found and not what:
            return self._stray(fault, previous, heading, found)
        expected = set(fault.expected)
        if "QUESTION" in expected and found and what is None:
            return self._question_without_blank(fault)
        terminal = next((t for t in WANTED if t in expected), None)
        complete = "$END" in expected or any(t in _TERMINALS for t in expected)
        if terminal is not None and not complete and (what is not None or not found):
            # A missing line: stand in for it, then read again what came instead.
            wanted = WANTED[terminal]
            self._explain(fault, wanted.missing, previous, heading, found)
            for type_ in wanted.stand_in:
                fault.feed(type_)
            fault.move_to(here)
            return True
        if what is not None:
            return self._misplaced(fault, what)
        if terminal is not None and WANTED[terminal].wrong is not None:
            # A wrong line: it stands for the line expected there.
            if not self._wrong(fault, terminal, previous, heading, found):
                for type_ in WANTED[terminal].stand_in:
                    fault.feed(type_)
            if terminal == "BULLET" and heading_hint(found) is not None:
                # A heading misspelt: its section is not read as The Breakdown's.
                next_line = self._next_heading(next_line)
            elif terminal == "BULLET":
                # A bullet line owns the blank lines after it.
                next_line = _past_blanks(self.text, next_line)
            fault.move_to(next_line)
            return True
        return self._stray(fault, previous, heading, found)

    # ---- repairs

    def _after_rank(self, fault: Fault, rank: Token, found: str, here: int, next_line: int) -> bool:
        """The line after a rank is not a title."""
        if _DIGITS_ONLY.fullmatch(found):
            self._report_line(
                fault,
                Rule.INVALID_TEXT,
                f"the title {quote(found)} is only digits, which would read back as a rank",
                hint=f"the line above, {quote(_content(rank))}, is the rank; a title needs"
                " more than digits",
            )
            fault.feed("TITLE")
            fault.move_to(next_line)
            return True
        if found and section_of(found, "brief") is not None:
            self._report_line(
                fault,
                Rule.BRIEF_WITHOUT_HEADING,
                f"{quote(found)} starts a brief, and a brief has no rank: the line"
                f" {quote(_content(rank))} above it makes the story a card",
                hint="remove the rank, so that the brief starts with its heading",
            )
            return False
        # Digits alone before a blank line or a heading: a title, not a rank.
        self._report_at(
            rank,
            Rule.INVALID_TEXT,
            f"the title {quote(_content(rank))} is only digits, which would read back as a rank",
            hint="a title needs more than digits; a rank goes on the line before it",
        )
        fault.feed("TITLE")
        fault.move_to(here)
        return True

    def _brief_misread(self, fault: Fault) -> bool:
        """A card whose title is a brief heading written another way, and that
        does not read as a card: a brief, misread. Report it at the title, once."""
        title = self._title(fault)
        miss = None if title is None else near_miss(_content(title), headings_of("brief"))
        if title is None or miss is None:
            return False
        message, hint, fix = _missed(_content(title), miss)
        self._report_at(title, Rule.UNEXPECTED_LINE, message, hint, fix=fix)
        return True

    def _as_heading(self, fault: Fault, found: str, next_line: int) -> bool:
        """A line that is a heading written another way, where that heading may
        stand: report it, and read it as that heading."""
        miss = near_miss(found, headings_of(self.kind))
        if miss is None:
            return False
        section = section_of(miss.meant, self.kind)
        if section is None or not fault.accepts(section.terminal):
            return False
        message, hint, fix = _missed(found, miss)
        self._report_line(fault, Rule.UNEXPECTED_LINE, message, hint, fix=fix)
        fault.feed(section.terminal, miss.meant)
        fault.move_to(_past_blanks(self.text, next_line))
        return True

    def _key_for_heading(self, fault: Fault, here: int) -> bool:
        """A Story Stats key that is a card heading written another way, found
        when the pairs after it no longer pair up: report it at the key, and go
        on from the heading it was meant to be, or from the next heading."""
        stack = fault.parser.parser_state.value_stack
        unpaired = bool(stack) and isinstance(stack[-1], Token) and stack[-1].type == "OTHER_KEY"
        if not unpaired and not fault.blank_before():
            return False
        keys = [value.key for value in stack if isinstance(value, Stat)]
        if unpaired:
            keys.append(stack[-1])
        for key in keys:
            if isinstance(key, Stand):
                continue
            miss = near_miss(content(key), headings_of("card"))
            if miss is None:
                continue
            message, hint, fix = _missed(content(key), miss)
            self._report_at(key, Rule.UNEXPECTED_LINE, message, hint, fix=fix)
            last = unpaired and key is keys[-1]
            if unpaired:
                fault.feed("VALUE")
            section = section_of(miss.meant, "card")
            if last and section is not None and fault.accepts(section.terminal):
                fault.feed(section.terminal, miss.meant)
                fault.move_to(_past_blanks(self.text, here))
            else:
                fault.move_to(self._next_heading(here))
            return True
        return False

    # ---- reporting

    def _report_line(
        self,
        fault: Fault,
        code: Rule,
        message: str,
        hint: str | None = None,
        *,
        fix: Mend | None = None,
    ) -> None:
        self._report_line_at(fault, fault.line_start, code, message, hint=hint, fix=fix)

    def _report_line_at(
        self,
        fault: Fault,
        start: int,
        code: Rule,
        message: str,
        *,
        hint: str | None = None,
        fix: Mend | None = None,
    ) -> None:
        """Report a problem at the content of the line that starts at ``start``,
        at or after the fault's line."""
        end = self.text.find("\n", start)
        raw = self.text[start : len(self.text) if end < 0 else end]
        line = fault.line + self.text.count("\n", fault.line_start, start)
        self._report(code, line, raw, message, hint=hint, fix=fix)

    def _report_at(
        self,
        token: Token,
        code: Rule,
        message: str,
        hint: str | None = None,
        *,
        fix: Mend | None = None,
    ) -> None:
        assert token.line is not None
        assert token.column is not None
        raw = " " * (token.column - 1) + str(token.value).partition("\n")[0]
        self._report(code, token.line, raw, message, hint=hint, fix=fix)

    def _report(
        self,
        code: Rule,
        line: int,
        raw: str,
        message: str,
        *,
        hint: str | None,
        fix: Mend | None = None,
    ) -> None:
        """Report a problem at the content of ``raw``, the text of line ``line``;
        a second problem on one line would only be a consequence of the first."""
        if self.problems and self.problems[-1].line == line:
            return
        content = raw.strip(" \t")
        column = raw.index(content[0]) + 1 if content else 1
        self.problems.append(
            diagnostic(
                code,
                line,
                column,
                message,
                end_column=column + max(1, len(content)),
                hint=hint,
                fix=None if fix is None else fix(line, column, content),
            )
        )

    def _explain(
        self,
        fault: Fault,
        entry: tuple[Rule, str],
        previous: Token | None,
        heading: Token | None,
        found: str,
    ) -> None:
        """Report a missing line at the line that lacks it."""
        code, message = entry
        if code == Rule.MISSING_ANSWER:
            return  # Further Learning reports it, once it has seen every question
        text = message.format(
            key=quote(_content(previous)) if previous is not None else "",
            heading=quote(_content(heading)) if heading is not None else "",
            found=quote(found),
        )
        target = previous if code == Rule.MISSING_VALUE else heading
        if target is None:
            self._report_line(fault, code, text)
        else:
            self._report_at(target, code, text, _HINTS.get(code))

    def _wrong(
        self, fault: Fault, terminal: str, previous: Token | None, heading: Token | None, found: str
    ) -> bool:
        """Report a line of the wrong kind, on that line; True when the line was
        given to the parser as what it was meant to be."""
        if terminal in _NEGATIVE and _NEGATIVE[terminal][1].fullmatch(found):
            key = _NEGATIVE[terminal][0]
            self._report_line(
                fault, Rule.OUT_OF_RANGE, f"{key} must not be negative, got {quote(found)}"
            )
            return False
        if isinstance(previous, Stand) and previous.type == terminal == "BULLET":
            return False  # one error for a run of lines, however long
        wrong = WANTED[terminal].wrong
        assert wrong is not None
        code, message = wrong
        hint = _HINTS.get(code)
        fix = None
        if terminal == "OTHER_KEY":
            pair = _pair(found)
            key, colon, value = pair or (found, False, "")
            if colon and not value:
                # A key with a colon: the key, and its value on the next line.
                self._report_line(
                    fault,
                    Rule.KEY_COLON,
                    f"{quote(found)}: a key is written without a colon",
                    f"write {quote(key)}, with its value on the next line",
                    fix=rewrite(key, f"write the key as {quote(key)}"),
                )
                fault.feed(STATS_KEY_TERMINALS.get(key, "OTHER_KEY"), key)
                return True
            hint = f"write {quote(key)} on one line and {quote(value)} on the next"
            if pair and value:
                fix = rewrite(f"{key}\n{value}", "put the key and its value on two lines")
        elif terminal == "BULLET":
            if found in BULLET_MARKERS:
                message = "empty bullet {found}: a point needs text after its marker"
                hint = "write the point after the marker, or remove the line"
            elif found[0] in BULLET_MARKERS:
                hint = "put a space after the bullet marker"
                fix = self._spaces_after_markers(fault.line_start, hint)
            else:
                hint, fix = _heading_advice(found, self.kind)
        elif terminal == "DURATION":
            written = _DURATION_WRITTEN.fullmatch(found)
            unit = written[3].lower() if written else ""
            if written and unit.rstrip("s") in DURATION_UNITS:
                hint = (
                    "put a space between the number and the unit"
                    if not written[2]
                    else "units are written in lower case"
                )
                fix = rewrite(f"{written[1]} {unit}", hint)
        elif terminal == "DECIMAL" and _DECIMAL_COMMA.fullmatch(found):
            hint = "write the decimal point as '.'"
            fix = rewrite(found.replace(",", "."), hint, "unsafe")
        elif terminal == "FIRST_TAG":
            fix = rewrite(as_tag_line(found), "end the line with ' /'", "unsafe")
        self._report_line(fault, code, message.format(found=quote(found)), hint, fix=fix)
        return False

    def _spaces_after_markers(self, start: int, message: str) -> Mend:
        """The fix of a run of bullets without a space after the marker, from the
        line that starts at ``start`` up to the first line that is neither blank
        nor such a bullet: one error reports the run, and its fix mends it all."""
        places: list[tuple[int, int]] = []  # the line and the column after its marker
        pos, offset = start, 0
        while pos < len(self.text):
            content, end = _line_at(self.text, pos)
            if content:
                if not (content[0] in BULLET_MARKERS and content[1:2] not in ("", " ", "\t")):
                    break
                indent = self.text.index(content[0], pos) - pos
                places.append((offset, indent + 2))
            pos, offset = end, offset + 1

        def mend(line: int, column: int, content: str) -> Fix:
            edits = tuple(Edit(line + at, after, line + at, after, " ") for at, after in places)
            return Fix("safe", message, edits)

        return mend

    # ---- skipping

    def _heading(self, fault: Fault) -> Token | None:
        """The heading of the section the parser is in, if any."""
        for value in reversed(fault.parser.parser_state.value_stack):
            if isinstance(value, Token) and value.type in _TERMINALS:
                return value
            if isinstance(value, Part):
                return None
        return None

    def _next_heading(self, start: int) -> int:
        """Where the first heading line of this kind at or after ``start`` starts."""
        return _first_line(
            self.text, start, lambda line: bool(line) and section_of(line, self.kind) is not None
        )

    def _after_footer(self, fault: Fault, footer: Token, found: str) -> bool:
        if fault.at_end:
            return False
        self._report_line(
            fault,
            Rule.AFTER_FOOTER,
            f"nothing may follow {quote(_content(footer))} (line {footer.line}),"
            f" found {quote(found)}",
        )
        fault.move_to(len(self.text))
        return True

    def _misplaced(self, fault: Fault, what: Section) -> bool:
        """A heading out of order, or given twice: report it, and skip its section."""
        placed = self._placed(fault)
        heading = _line_at(self.text, fault.line_start)[0]
        first = placed.get(what.field)
        if first is not None:
            self._report_line(
                fault,
                Rule.DUPLICATE_SECTION,
                f"{quote(heading)} is given twice (first on line {first.line})",
            )
        else:
            later = [token for field, token in placed.items() if _ORDER[field] > _ORDER[what.field]]
            order = [
                s.heading for s in SECTIONS if s.kind == self.kind and s.field != "end_of_feed"
            ]
            self._report_line(
                fault,
                Rule.SECTION_ORDER,
                f"{quote(heading)} must come before {quote(_content(later[0]))}"
                f" (line {later[0].line})"
                if later
                else f"unexpected heading {quote(heading)}",
                hint="the sections go in this order: " + ", ".join(order),
            )
        fault.move_to(self._next_heading(_line_at(self.text, fault.line_start)[1]))
        return True

    def _placed(self, fault: Fault) -> dict[str, Token]:
        """The sections read so far, by field, with their headings."""
        placed: dict[str, Token] = {}
        for value in fault.parser.parser_state.value_stack:
            if isinstance(value, Part) and value.heading is not None:
                placed.setdefault(value.name, value.heading)
            elif isinstance(value, Token) and value.type in _TERMINALS:
                placed.setdefault(_TERMINALS[value.type].field, value)
        return placed

    def _stray(
        self, fault: Fault, previous: Token | None, heading: Token | None, found: str
    ) -> bool:
        """A line that fits nowhere: report it, and skip to the next heading."""
        if fault.at_end:
            return False
        blank = fault.blank_before()
        hint, fix = _heading_advice(found, self.kind)
        if self.kind == "brief" and heading is None:
            self._report_line(
                fault,
                Rule.BRIEF_WITHOUT_HEADING,
                f"a brief starts with a section heading, found {quote(found)}",
                hint="the headings are: " + ", ".join(BRIEF_SECTIONS.values()),
            )
        elif heading is None and not blank and previous is not None:
            return self._header_lines(fault, found)
        elif heading is not None and heading.type == "KEYWORDS" and not blank:
            self._report_line(
                fault,
                Rule.EXTRA_KEYWORD_LINE,
                f"Top Keywords holds one tag line; unexpected line {quote(found)}",
            )
        elif blank:
            last = fault.line_start  # the end of the last line before the blank ones
            while last > 0 and self.text[last - 1] in " \t\n":
                last -= 1
            before = fault.line - self.text.count("\n", last, fault.line_start) + 1
            kind = heading.type if heading is not None else None
            self._report_line(
                fault,
                Rule.UNEXPECTED_LINE,
                f"expected a section heading after the blank line on line {before},"
                f" found {quote(found)}",
                hint=hint or _AFTER_BLANK_HINTS.get(kind),
                fix=fix,
            )
        else:
            self._report_line(
                fault,
                Rule.UNEXPECTED_LINE,
                f"unexpected line {quote(found)}",
                hint=hint,
                fix=fix,
            )
        fault.move_to(self._next_heading(fault.line_start))
        return True

    def _question_without_blank(self, fault: Fault) -> bool:
        """A question line with no blank line after it: a question of two lines,
        an answer without the blank line before it, or a question with no answer."""
        hint = "put a blank line between a question and its answer"
        question, question_end = _line_at(self.text, fault.line_start)
        following, pos = _line_at(self.text, question_end)
        if not following or section_of(following, self.kind) is not None:
            # No answer: Further Learning reports it once it has seen every question.
            fault.take("QUESTION", question_end)
            fault.move_to(question_end)
            return True
        if not following.endswith("?"):
            self._report_line_at(
                fault,
                question_end,
                Rule.LONG_QUESTION,
                f"expected a blank line between the question {quote(question)} and its"
                f" answer, found {quote(following)}",
                hint=hint,
                fix=_blank_line_before,
            )
            fault.take("QUESTION", question_end)
            fault.move_to(question_end)
            return True
        self._report_line_at(
            fault,
            question_end,
            Rule.LONG_QUESTION,
            f"a question is one line; unexpected line {quote(following)}",
            hint=hint,
        )
        # A broken question builds no item, and so no warnings about it.
        while following.endswith("?"):
            following, after = _line_at(self.text, pos)
            if following.endswith("?"):
                pos = after
        while pos < len(self.text) and not _line_at(self.text, pos)[0]:
            pos = _line_at(self.text, pos)[1]
        fault.feed("QUESTION", question)
        fault.move_to(pos)
        return True

    def _header_lines(self, fault: Fault, found: str) -> bool:
        """Lines after the title that are neither its headline nor its tags: one
        error for each run of them."""
        pos = fault.line_start
        count = 0
        tags = fault.accepts("FIRST_TAG")
        while pos < len(self.text):
            line, end = _line_at(self.text, pos)
            if (
                not line
                or section_of(line, self.kind) is not None
                or (tags and line.endswith(" /"))
            ):
                break
            count += 1
            pos = end
        title = self._title(fault)
        if title is not None and _RANK_LIKE.fullmatch(_content(title)):
            digits = "".join(c for c in _content(title) if c.isdigit())
            self._report_at(
                title,
                Rule.HEADER_TOO_LONG,
                f"{quote(_content(title))} is not a rank: a rank is digits only",
                hint=f"write the rank as {digits}",
                fix=rewrite(digits, f"write the rank as {digits}"),
            )
        elif count == 1 and tags and (found.endswith("/") or " / " in found):
            meant = as_tag_line(found)
            slip = (
                "has no space before its final slash"
                if found.endswith("/")
                else "has no final ' /'"
            )
            self._report_line(
                fault,
                Rule.HEADER_TOO_LONG,
                f"the tag line {quote(found)} {slip}: a tag line ends with ' /'",
                hint=f"write the tags as {quote(meant)}",
                fix=rewrite(meant, "end the tag line with ' /'"),
            )
        else:
            more = count - 1
            counted = f" (and {more:,} more line{'s' if more > 1 else ''})" if more else ""
            self._report_line(
                fault,
                Rule.HEADER_TOO_LONG,
                f"unexpected line {quote(found)} in the header{counted}",
                hint="a header holds at most a rank, a title, a headline and a tag line,"
                " in this order, and ends at the first blank line",
            )
        fault.move_to(pos)
        return True

    def _title(self, fault: Fault) -> Token | None:
        """The title line, in the header or the header read."""
        for value in fault.parser.parser_state.value_stack:
            if isinstance(value, Part):
                place = value.places.get(("title",)) if value.name == "header" else None
                return place if isinstance(place, Token) else None
            if isinstance(value, tuple) and value and value[0] == "title":
                place = value[2]
                return place if isinstance(place, Token) else None
            if isinstance(value, Token) and value.type == "TITLE":
                return value
        return None
