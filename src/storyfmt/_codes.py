"""The catalogue of rules: every problem storyfmt reports, with its stable code,
its name, its severity and a summary, as ``docs/rules.md`` lists them."""

from __future__ import annotations

import enum
from typing import Literal

Severity = Literal["error", "warning"]

Applicability = Literal["safe", "unsafe"]
"""Whether a fix is applied by ``--fix`` (safe) or only with ``--unsafe-fixes``."""


@enum.unique
class Rule(str, enum.Enum):
    """One rule of the catalogue; a member is a ``str`` equal to its code.

    ``str()``, ``format()`` and f-strings give the bare code on every Python
    version, and ``json`` writes it as a plain string. A member's ``name`` is the
    catalogue's name in upper snake case; :attr:`slug` is the name as written.

    Example:
        >>> Rule.INVALID_NUMBER == "SF301", f"{Rule.INVALID_NUMBER}", Rule("SF301").slug
        (True, 'SF301', 'invalid-number')
        >>> Rule.UNKNOWN_STATUS.severity
        'warning'
    """

    TOO_MANY_ERRORS = "SF100"
    # Encoding and characters
    INVALID_UTF8 = "SF101"
    FORBIDDEN_CHARACTER = "SF102"
    MISPLACED_BOM = "SF103"
    NO_STORY = "SF104"
    LINE_TOO_LONG = "SF105"
    # Structure
    UNEXPECTED_LINE = "SF201"
    MISSING_TITLE = "SF202"
    HEADER_TOO_LONG = "SF203"
    SECTION_ORDER = "SF204"
    DUPLICATE_SECTION = "SF205"
    EMPTY_SECTION = "SF206"
    MISSING_VALUE = "SF207"
    DUPLICATE_KEY = "SF208"
    KEY_CASE = "SF209"
    MISSING_ANSWER = "SF210"
    LONG_QUESTION = "SF211"
    EXTRA_KEYWORD_LINE = "SF212"
    NOT_A_TAG_LINE = "SF213"
    EMPTY_TAG = "SF214"
    AFTER_FOOTER = "SF215"
    BRIEF_WITHOUT_HEADING = "SF216"
    KEY_COLON = "SF217"
    # Values
    INVALID_NUMBER = "SF301"
    INVALID_INTEGER = "SF302"
    INVALID_DURATION = "SF303"
    OUT_OF_RANGE = "SF304"
    INVALID_TEXT = "SF305"
    # JSON and YAML
    INVALID_JSON = "SF401"
    INVALID_JSON_VALUE = "SF402"
    # Warnings
    TOO_MANY_WARNINGS = "SF500"
    UNKNOWN_STATUS = "SF501"
    UNKNOWN_LEANING = "SF502"
    QUESTION_MARK = "SF503"
    BREAKDOWN_COUNT = "SF504"
    KEYWORDS_DIFFER = "SF505"
    DUPLICATE_TAG = "SF506"
    DUPLICATE_POINT = "SF507"
    DUPLICATE_QUESTION = "SF508"
    NEAR_MISS = "SF509"
    # House rules: off until selected, with options in the configuration
    TITLE_TOO_LONG = "SF601"
    HEADLINE_TOO_LONG = "SF602"
    MISSING_STAT = "SF603"
    POINT_COUNT = "SF604"
    KEYWORD_COUNT = "SF605"
    QUESTION_COUNT = "SF606"
    BREAKDOWN_COUNT_EXACT = "SF607"
    TAGS_KEYWORDS_MISMATCH = "SF608"

    # The code, not "Rule.NAME", which Python 3.11 and later give for mixed-in enums.
    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(self, format_spec)

    @property
    def slug(self) -> str:
        """The rule's name in the catalogue, such as ``invalid-number``."""
        return self.name.lower().replace("_", "-")

    @property
    def severity(self) -> Severity:
        """``"error"`` (not a valid story) or ``"warning"``."""
        return _CATALOGUE[self][0]

    @property
    def summary(self) -> str:
        """What the rule reports, in a few words."""
        return _CATALOGUE[self][1]

    @property
    def house(self) -> bool:
        """Whether this is a house rule (``SF6xx``): a warning reported only when
        selected, whose options the configuration gives."""
        return self.value.startswith("SF6")

    @property
    def fix(self) -> Applicability | None:
        """Whether the rule's diagnostics may offer a fix, and of which kind."""
        return _FIXES.get(self)


_CATALOGUE: dict[Rule, tuple[Severity, str]] = {
    Rule.TOO_MANY_ERRORS: ("error", "more errors than are worth listing; the rest are counted"),
    Rule.INVALID_UTF8: ("error", "the file is not valid UTF-8"),
    Rule.FORBIDDEN_CHARACTER: ("error", "a control character or lone surrogate"),
    Rule.MISPLACED_BOM: ("error", "a byte-order mark after the start of the file"),
    Rule.NO_STORY: ("error", "the file is empty or holds only blank lines"),
    Rule.LINE_TOO_LONG: ("error", "a line longer than any story text (100,000 characters)"),
    Rule.UNEXPECTED_LINE: ("error", "a line where the format allows none"),
    Rule.MISSING_TITLE: ("error", "a card without a title"),
    Rule.HEADER_TOO_LONG: ("error", "more header lines than rank, title, headline, tags"),
    Rule.SECTION_ORDER: ("error", "a section before one it must follow"),
    Rule.DUPLICATE_SECTION: ("error", "a section given twice"),
    Rule.EMPTY_SECTION: ("error", "a section heading with no content"),
    Rule.MISSING_VALUE: ("error", "a Story Stats key without a value line"),
    Rule.DUPLICATE_KEY: ("error", "a Story Stats key given twice"),
    Rule.KEY_CASE: ("error", "a Story Stats key that differs from a known key in case"),
    Rule.MISSING_ANSWER: ("error", "a Further Learning question without an answer"),
    Rule.LONG_QUESTION: ("error", "a Further Learning question longer than one line"),
    Rule.EXTRA_KEYWORD_LINE: ("error", "more than one line under Top Keywords"),
    Rule.NOT_A_TAG_LINE: ("error", "a keyword line that does not end with ' /'"),
    Rule.EMPTY_TAG: ("error", "an empty item in a tag line"),
    Rule.AFTER_FOOTER: ("error", "text after 'You're all caught up'"),
    Rule.BRIEF_WITHOUT_HEADING: ("error", "a brief that does not start with a heading"),
    Rule.KEY_COLON: ("error", "a Story Stats key written with a colon"),
    Rule.INVALID_NUMBER: ("error", "Virality that is not a decimal number"),
    Rule.INVALID_INTEGER: ("error", "Articles that is not a whole number"),
    Rule.INVALID_DURATION: ("error", "a Duration that is not '<number> <unit>'"),
    Rule.OUT_OF_RANGE: ("error", "a negative number, or one too large to keep exactly"),
    Rule.INVALID_TEXT: ("error", "text the format cannot hold in that place"),
    Rule.INVALID_JSON: ("error", "a JSON document that does not parse"),
    Rule.INVALID_JSON_VALUE: ("error", "a wrong JSON value or an unknown key"),
    Rule.TOO_MANY_WARNINGS: (
        "warning",
        "more warnings than are worth listing; the rest are counted",
    ),
    Rule.UNKNOWN_STATUS: ("warning", "a Status outside the known vocabulary"),
    Rule.UNKNOWN_LEANING: ("warning", "a Political leaning outside the known vocabulary"),
    Rule.QUESTION_MARK: ("warning", "a question that does not end with '?'"),
    Rule.BREAKDOWN_COUNT: ("warning", "a Breakdown count smaller than its points"),
    Rule.KEYWORDS_DIFFER: ("warning", "Top Keywords that differ from the header tags"),
    Rule.DUPLICATE_TAG: ("warning", "the same item twice in one tag line"),
    Rule.DUPLICATE_POINT: ("warning", "the same Breakdown point twice"),
    Rule.DUPLICATE_QUESTION: ("warning", "the same Further Learning question twice"),
    Rule.NEAR_MISS: (
        "warning",
        "text that reads like a heading, a key, a rank or a tag line written another way",
    ),
    Rule.TITLE_TOO_LONG: ("warning", "a title longer than the house allows"),
    Rule.HEADLINE_TOO_LONG: ("warning", "a headline longer than the house allows"),
    Rule.MISSING_STAT: ("warning", "a card without a Story Stats key the house requires"),
    Rule.POINT_COUNT: ("warning", "fewer or more Breakdown points than the house allows"),
    Rule.KEYWORD_COUNT: ("warning", "fewer or more Top Keywords than the house allows"),
    Rule.QUESTION_COUNT: (
        "warning",
        "fewer or more Further Learning questions than the house allows",
    ),
    Rule.BREAKDOWN_COUNT_EXACT: ("warning", "a Breakdown count other than its number of points"),
    Rule.TAGS_KEYWORDS_MISMATCH: (
        "warning",
        "header tags and Top Keywords that do not match as the house requires",
    ),
}


# The rules whose diagnostics offer a fix where the text leaves no doubt (not
# every diagnostic of the rule has one): docs/rules.md marks each.
_FIXES: dict[Rule, Applicability] = {
    Rule.UNEXPECTED_LINE: "safe",
    Rule.HEADER_TOO_LONG: "safe",
    Rule.MISSING_VALUE: "safe",
    Rule.KEY_COLON: "safe",
    Rule.LONG_QUESTION: "safe",
    Rule.NOT_A_TAG_LINE: "unsafe",
    Rule.INVALID_DURATION: "safe",
    Rule.INVALID_NUMBER: "unsafe",
    Rule.QUESTION_MARK: "unsafe",
    Rule.NEAR_MISS: "unsafe",
}


_BY_CODE = {rule.value: rule for rule in Rule}


def own_rule(code: str) -> Rule | None:
    """The catalogue's rule of a code; None for a code storyfmt does not give
    (a plugin's).

    >>> own_rule("SF301"), own_rule("ACME101")
    (<Rule.INVALID_NUMBER: 'SF301'>, None)
    """
    return _BY_CODE.get(code)
