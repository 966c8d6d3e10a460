"""Grammar loading: the story grammar, the Lark parsers built on it, and every
place storyfmt reaches into Lark.

The parsers use Lark's LALR parser with its contextual lexer, exactly as a
plain ``lark.Lark.open("grammar/story.lark", parser="lalr")`` would, plus an
inline transformer (no parse tree is built). With ``storyfmt[fast]`` valid
stories are parsed on lark-cython's parser, from the same tables. The tables
are cached in the user's own cache directory, never in the shared temporary
directory.
"""

from __future__ import annotations

import importlib
import io
import marshal
import os
import pickle
import re
import sys
import types
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache, partial
from typing import Any, BinaryIO, cast

import lark
from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.grammar import Rule
from lark.parsers import lalr_analysis
from lark.parsers.lalr_analysis import Reduce, Shift

from storyfmt import _regexcache
from storyfmt._shipped import shipped_text
from storyfmt._usercache import cache_file, save
from storyfmt._vocabulary import Kind

START_RULES = ("story", "card", "brief")
"""The grammar's start rules: either kind of story, a card, a brief."""


def grammar_text() -> str:
    """The text of the story grammar shipped with the package."""
    return shipped_text("grammar/story.lark")


_FORMAT = 3
"""The form of what is kept in the user's cache: changing what is pickled, or
how, changes this number, so that no older pickle is read back."""


def _cache_file(grammar: str, transformer: object, kind: str, suffix: str = "") -> str | bool:
    """Where to keep ``kind`` of thing built from ``grammar`` and ``transformer``
    by this lark and this Python.

    The names of the transformer's methods are part of the key: the parser
    kept there calls them by name, for rules and for terminals alike.
    """
    builder = type(transformer)
    names = ",".join(sorted(vars(builder)))
    key = f"{grammar}{builder.__qualname__}{names}{lark.__version__}{sys.version}{_FORMAT}"
    return cache_file(key, kind, suffix)


def _lark(grammar: str, transformer: object) -> Lark:
    """Lark's LALR parser of ``grammar``, its tables from the user's cache."""
    return Lark(
        grammar,
        parser="lalr",
        start=list(START_RULES),
        transformer=cast(Any, transformer),
        cache=_cache_file(grammar, transformer, "grammar", ".lark"),
    )


@lru_cache(maxsize=4)
def get_parser(transformer: object) -> Lark:
    """The LALR parser of the story grammar, with ``transformer`` applied as it
    parses, built once per process."""
    grammar = grammar_text()
    build = partial(_lark, grammar, transformer)
    parser = _built(build, transformer, _cache_file(grammar, transformer, "parser"))
    _compile_lexer_patterns(parser)
    return parser


@lru_cache(maxsize=4)
def fast_parser(parser: Lark) -> tuple[Any, Callable[..., Any]] | None:
    """lark-cython's LALR parser on the tables and callbacks of ``parser``, and
    the class of its tokens (``storyfmt[fast]``); None when lark-cython is not
    installed or ``STORYFMT_PURE_PYTHON`` is set.

    Only its parser is used: the line lexer feeds it, as it feeds Lark's.
    """
    if os.environ.get("STORYFMT_PURE_PYTHON"):
        return None
    try:
        cython = importlib.import_module("lark_cython")
    except ImportError:
        return None
    table = parser.parser.parser._parse_table
    return cython.plugins["_Parser"](table, parser._callbacks), cython.Token


# ---- the built parser, kept whole ---------------------------------------------
#
# Lark's cache keeps the grammar's tables, which Lark then turns back into
# objects one by one, in Python: that took longer than everything else a
# process does to read its first story. The parser Lark builds from them is
# kept as well, pickled whole, beside Lark's cache, but for the callbacks of
# the rules, which :func:`_streamline` makes anew (the code of their makers is
# kept beside it), and what Lark only builds with: the grammar's parse tree
# and the builder of its callbacks. Modules and Lark's two parser actions
# (which it tells apart by identity) are pickled by name; the transformer is
# the caller's.


class _Pickler(pickle.Pickler):
    def __init__(self, file: BinaryIO, parser: Lark) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.transformer = parser.options.transformer
        callbacks = [value for key, value in parser._callbacks.items() if isinstance(key, Rule)]
        builders = [parser._parse_tree_builder, getattr(parser, "grammar", None)]
        self.left_out = {id(value) for value in [*callbacks, *builders] if value is not None}

    def persistent_id(self, obj: object) -> str | None:
        if obj is self.transformer:
            return "transformer"
        return "left out" if id(obj) in self.left_out else None

    def reducer_override(self, obj: object) -> Any:
        # Lark names its symbols with the tokens of the grammar's own text: as
        # plain strings, as Lark's cache gives them, they compare in C when the
        # parser looks up the next token's type (a Token compares in Python).
        if type(obj) is Token:
            return str, (str.__str__(obj),)
        # Each is pickled once (as any object, it is memoized) and named.
        if isinstance(obj, types.ModuleType):
            return importlib.import_module, (obj.__name__,)
        if obj is Shift or obj is Reduce:
            return getattr, (lalr_analysis, "Shift" if obj is Shift else "Reduce")
        return NotImplemented


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, transformer: object) -> None:
        super().__init__(file)
        self.transformer = transformer

    def persistent_load(self, pid: str) -> object:
        return self.transformer if pid == "transformer" else None


def _built(build: Callable[[], Lark], transformer: object, path: str | bool) -> Lark:
    """The parser ``build`` makes, from the pickle at ``path`` when there is one
    this Python, this lark and this grammar made; else built, pickled there, and
    read back (the first process parses with what every later one reads). Its
    rules' callbacks are those of :func:`_streamline`."""
    if isinstance(path, str):
        try:
            with open(path, "rb") as handle:
                return _loaded(handle.read(), transformer)
        except Exception:  # no pickle yet, or one that does not load: build anew
            pass
    _regexcache.keep()
    parser = build()
    # Lark's patterns for reading the grammar: the next process reads the pickle.
    _regexcache.SHARED.leave_out()
    _streamline(parser, transformer)
    _share_actions(parser)
    kept = io.BytesIO()
    _Pickler(kept, parser).dump((parser, _makers_code()))
    if isinstance(path, str):
        save(path, kept.getvalue())
    return _loaded(kept.getvalue(), transformer)


def _share_actions(parser: Lark) -> None:
    """Make equal actions of the parse table one object each: of its 860
    actions 353 differ, and the pickle keeps each object once, so that every
    process reads back 500 fewer tuples for the cyclic collector to track."""
    shared: dict[tuple[Any, Any], tuple[Any, Any]] = {}
    for actions in parser.parser.parser._parse_table.states.values():
        for symbol, action in actions.items():
            actions[symbol] = shared.setdefault(action, action)


def _loaded(data: bytes, transformer: object) -> Lark:
    parser, makers = _Unpickler(io.BytesIO(data), transformer).load()
    if not isinstance(parser, Lark):
        raise TypeError(f"not a parser: {type(parser).__name__}")
    _read_makers(makers)
    _streamline(parser, transformer)
    return parser


def _compile_lexer_patterns(parser: Lark) -> None:
    """Compile the patterns of every lexer of ``parser``, unless they were read
    back from the user's cache (see :mod:`storyfmt._regexcache`), so that the
    cache holds them all: the line lexer's, and the root lexer's, which Lark's
    contextual lexer uses only to explain an error."""
    if _regexcache.SHARED.read:
        return
    contextual = parser.parser.lexer
    for lexer in [*contextual.lexers.values(), contextual.root_lexer]:
        lexer.scanner  # noqa: B018 (building it compiles its patterns)


# ---- leaner reductions --------------------------------------------------------
#
# On each reduction Lark looks up the rule's callback in a dict keyed by Rule
# objects, whose hash and equality are Python methods, and the callback it
# made filters the children through a generic wrapper; each helper rule of a
# repetition (``BULLET+``) builds a Tree, only for the rule above to take its
# children out again. The callbacks below give the transformer exactly the
# children Lark's would (a test compares the two on the corpus), with less
# work per reduction: helper rules build plain lists, extended in place.


class _Rule(Rule):
    """A grammar rule compared and hashed by identity: within one parser each
    rule is one object, and this makes looking it up a dict lookup in C."""

    __slots__ = ()
    __eq__ = object.__eq__
    __hash__ = object.__hash__


def _callback(rule: Rule, build: Callable[[list[Any]], Any] | None) -> Callable[[list[Any]], Any]:
    """What Lark's callback for ``rule`` computes, as one small function.

    ``build`` is the transformer's method for the rule, or None for a rule
    whose children go to the rule above it (its name starts with ``_``).
    Lark passes a callback a new list, so it may keep and extend it.
    """
    kept = tuple(
        (index, not symbol.is_term and symbol.name.startswith("_"))
        for index, symbol in enumerate(rule.expansion)
        if not (symbol.is_term and cast(Any, symbol).filter_out)
    )
    if build is not None and len(kept) == len(rule.expansion) and not any(x for _, x in kept):
        return build  # Lark passes the children as they are
    single = bool(rule.options.expand1 and not rule.alias)
    return _reducer(kept, build is not None, single)(build)


_Shape = tuple[tuple[tuple[int, bool], ...], bool, bool]
_Maker = Callable[[Any], Callable[[list[Any]], Any]]

_MAKERS: dict[_Shape, _Maker] = {}
"""The makers of callbacks made so far, by shape; compiled once per machine
(their code is kept with the pickled parser)."""


def _reducer(kept: tuple[tuple[int, bool], ...], built: bool, single: bool) -> _Maker:
    """A maker of callbacks for rules of one shape: which children are kept,
    which spliced (``kept``), whether a method builds the value, and whether a
    single child stands for the rule (``?rule``)."""
    shape = (kept, built, single)
    if shape in _MAKERS:
        return _MAKERS[shape]
    items = [f"*children[{index}]" if spliced else f"children[{index}]" for index, spliced in kept]
    if kept and kept[0][1]:  # left recursion: extend the list below, never copy it
        body = f"values = children[{kept[0][0]}]"
        if len(items) == 2 and not kept[1][1]:
            body += f"\n        values.append({items[1]})"
        elif len(items) > 1:
            body += f"\n        values += [{', '.join(items[1:])}]"
    else:
        body = f"values = [{', '.join(items)}]"
    result = "build(values)" if built else "values"
    if single:
        result = f"values[0] if len(values) == 1 else {result}"
    source = (
        "def make(build):\n"
        "    def reduce(children):\n"
        f"        {body}\n"
        f"        return {result}\n"
        "    return reduce\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    maker = _MAKERS[shape] = namespace["make"]
    return cast(_Maker, maker)


def _makers_code() -> dict[_Shape, bytes]:
    """The code of the makers made so far, to keep beside the parser."""
    return {shape: marshal.dumps(maker.__code__) for shape, maker in _MAKERS.items()}


def _read_makers(code: dict[_Shape, bytes]) -> None:
    """Take the makers whose code :func:`_makers_code` gave (by this very Python)."""
    for shape, data in code.items():
        _MAKERS.setdefault(shape, types.FunctionType(marshal.loads(data), {}))


def _streamline(parser: Lark, transformer: object) -> None:
    """Give ``parser`` the callbacks of :func:`_callback` and identity-keyed rules.

    The callbacks dict is Lark's own, shared with its parser (and with
    lark-cython's), so it is changed in place.
    """
    callbacks: dict[Any, Any] = parser._callbacks
    for rule in [key for key in callbacks if isinstance(key, Rule)]:
        name = rule.alias or rule.origin.name
        build = getattr(transformer, name, None)
        if build is None and not name.startswith("_"):
            build = partial(Tree, name)  # as Lark builds a rule with no method
        callback = _callback(rule, build)
        del callbacks[rule]
        rule.__class__ = _Rule
        callbacks[rule] = callback


# ---- the quick path for valid stories ------------------------------------------
#
# Most stories are valid, and lexing is most of the cost of parsing them. The
# line lexer below gives the parser exactly the tokens Lark's contextual lexer
# would (a property test checks this): for each parser state it tries the same
# terminals, in the same order, with the same compiled pattern. It only does
# less bookkeeping per token, and it feeds lark-cython's parser as well as
# Lark's (lark-cython's own lexer costs more per token than this one). At the
# first error it stops, and the story is parsed again with Lark's own lexer,
# which recovery needs.


_no_match: Any = UnexpectedCharacters
_nothing = re.compile("(?!)").match  # the lexer of a state that takes no terminal


class _LineLexer:
    """Lark's contextual lexer of one parser, with less work per token."""

    def __init__(self, parser: Lark) -> None:
        contextual = parser.parser.lexer
        self.matchers: dict[int, Callable[[str, int], re.Match[str] | None]] = {}
        for state, lexer in contextual.lexers.items():
            patterns = lexer.scanner._mres
            # Lark splits the alternation of a state's terminals only past
            # re's limit of groups, and retypes tokens by callbacks only for
            # a string that a pattern also matches: neither is in the grammar.
            assert len(patterns) <= 1, "more terminals in a state than re allows groups"
            assert not lexer.callback, "a terminal that Lark's lexer retypes"
            self.matchers[state] = patterns[0].match if patterns else _nothing
        # The terminals the transformer turns into values as they are shifted.
        self.unplaced = frozenset(name for name in parser._callbacks if isinstance(name, str))

    def tokens(
        self, text: str, stack: list[int], make: Callable[..., Any] | None = None
    ) -> Iterator[Any]:
        """The tokens of ``text``, each lexed for the state the parser is in:
        the top of ``stack``, the parser's own stack of states.

        A token has its type, its text, its offset, its line and its column;
        where it ends is left None, since nothing reads it on the way to a
        valid story's model. A token of a terminal that the transformer takes
        as it is shifted (a method of its own) has no line or column either:
        that method keeps its offset, and lines are counted, in C, only up to
        the next token that needs one. So a long Breakdown costs no line count
        per point. ``make`` builds a token from its type, text and offset, and
        line and column when it has them (it is lark-cython's class of tokens,
        whose line and column are then -1); without it the tokens are Lark's,
        and the end of the text ends them. With it, the end of the text raises
        EOFError, which is how lark-cython's parser learns of it.
        """
        matchers, unplaced, new = self.matchers, self.unplaced, str.__new__
        pos, line, line_start, counted, end = 0, 1, 0, 0, len(text)
        while pos < end:
            found = matchers[stack[-1]](text, pos)
            if found is not None and (kind := found.lastgroup) in unplaced:
                number = column = None
            else:
                if counted < pos:  # the lines of the tokens left without one
                    breaks = text.count("\n", counted, pos)
                    if breaks:
                        line += breaks
                        line_start = text.rfind("\n", counted, pos) + 1
                number, column = line, pos - line_start + 1
                if found is None:
                    raise _no_match(text, pos, number, column)
            value = found[0]
            if make is None:
                token: Any = new(Token, value)
                token.type, token.value, token.start_pos = kind, value, pos
                token.line, token.column = number, column
                token.end_line = token.end_column = token.end_pos = None
                yield token
            elif number is None:
                yield make(kind, value, pos)
            else:
                yield make(kind, value, pos, number, column)
            start, pos = pos, pos + len(value)
            # A token with a line counts its own breaks at once: cheaper, token
            # by token, than the count over a range above.
            if number is not None:
                breaks = value.count("\n")
                if breaks:
                    line += breaks
                    line_start = start + value.rindex("\n") + 1
                counted = pos
        if make is not None:
            raise EOFError


class _LineThread:
    """The line lexer on one text, as Lark's parser asks for tokens."""

    __slots__ = ("lexer", "text")

    def __init__(self, lexer: _LineLexer, text: str) -> None:
        self.lexer = lexer
        self.text = text

    def lex(self, parser_state: Any) -> Iterator[Token]:
        """The tokens of the text, for the parser whose state is ``parser_state``."""
        return self.lexer.tokens(self.text, parser_state.state_stack)


class _Feed:
    """The line lexer on one text, as lark-cython's parser asks for tokens:
    ``next_token(parser_state)`` gives the next one."""

    __slots__ = ("next_token",)

    def __init__(self, tokens: Iterator[Any]) -> None:
        # next(tokens, parser_state): the state would be the value at the end
        # of the tokens, but they end by raising EOFError, so it never is.
        self.next_token = partial(next, tokens)


@lru_cache(maxsize=4)
def line_lexer(parser: Lark) -> _LineLexer:
    """The line lexer of ``parser``, built once."""
    return _LineLexer(parser)


def prepare(parser: Lark) -> None:
    """Build now what :func:`parse_valid` on ``parser`` would build on first use."""
    line_lexer(parser)
    fast_parser(parser)


def parse_valid(parser: Lark, text: str, start: Kind, *, fast: bool = True) -> Any:
    """Parse ``text`` with no recovery: UnexpectedInput at the first error.

    The line lexer feeds lark-cython's parser when it is installed (and
    ``fast``), else Lark's; both run on the tables and callbacks of ``parser``.
    """
    lexer, lalr = line_lexer(parser), parser.parser.parser
    accelerated = fast_parser(parser) if fast else None
    if accelerated is None:
        return lalr.parse(_LineThread(lexer, text), start)
    cython, make = accelerated
    stack = [lalr._parse_table.start_states[start]]
    return cython.parse(_Feed(lexer.tokens(text, stack, make)), start, None, stack)


# ---- error recovery ----------------------------------------------------------
#
# Lark reports a syntax error as UnexpectedToken (a line of another kind, or the
# end of the text) or UnexpectedCharacters (a line no terminal matches). The
# parser's on_error hook may then feed the interactive parser tokens of its
# own, and move the lexer, before parsing resumes.


class Stand(Token):
    """A token that stands in for a line that is missing or wrong.

    Recovery feeds one where the parser expects a line it did not get, so that
    parsing goes on; the transformer builds no value from it.
    """

    __slots__ = ()


class Fault:
    """One syntax error, as the recovery sees it: where it is and what was expected."""

    def __init__(self, error: UnexpectedInput, text: str) -> None:
        self.error = error
        self.text = text
        parser = error.interactive_parser
        self.parser = parser
        state = parser.lexer_thread.state
        assert state is not None
        self.lexer = state
        # Line numbers come from the lexer, never from counting the text
        # again: a story may hold thousands of errors.
        self.line = state.line_ctr.line
        if isinstance(error, UnexpectedToken):
            token = error.token
            self.at_end = token.type == "$END"
            self.pos = len(text) if self.at_end else token.start_pos
            if not self.at_end and token.line is not None:
                self.line = token.line
            self.expected: Collection[str] = error.expected
        else:
            assert isinstance(error, UnexpectedCharacters)
            self.at_end = False
            self.pos = error.pos_in_stream
            self.expected = error.allowed
        self.line_start = text.rfind("\n", 0, self.pos) + 1

    def previous(self) -> Token | None:
        """The last line token the parser took, blank-line runs aside."""
        for value in reversed(self.parser.parser_state.value_stack):
            if isinstance(value, Token):
                if value.type != "_BLANK":
                    return value
            else:
                return None
        return None

    def blank_before(self) -> bool:
        """Whether the parser's last token was a run of blank lines."""
        stack = self.parser.parser_state.value_stack
        return bool(stack) and isinstance(stack[-1], Token) and stack[-1].type == "_BLANK"

    def feed(self, type_: str, value: str = "") -> None:
        """Give the parser a stand-in token of ``type_`` for this line."""
        column = self.pos - self.line_start + 1
        self.parser.feed_token(Stand(type_, value, self.pos, self.line, column))

    def take(self, type_: str, end: int) -> None:
        """Give the parser this line, up to ``end``, as a token of ``type_``."""
        value = self.text[self.line_start : end]
        self.parser.feed_token(Token(type_, value, self.line_start, self.line, 1, end_pos=end))

    def accepts(self, type_: str) -> bool:
        """Whether the parser, as it stands, takes a token of ``type_``."""
        return (
            type_ in self.parser.parser_state.parse_conf.states[self.parser.parser_state.position]
        )

    def move_to(self, pos: int) -> None:
        """Make the lexer go on from ``pos`` (forwards or backwards)."""
        counter = self.lexer.line_ctr
        if pos >= counter.char_pos:
            counter.line += self.text.count("\n", counter.char_pos, pos)
        else:
            counter.line -= self.text.count("\n", pos, counter.char_pos)
        counter.char_pos = pos
        counter.line_start_pos = self.text.rfind("\n", 0, pos) + 1
        counter.column = pos - counter.line_start_pos + 1


def parse_with_recovery(
    parser: Lark, text: str, start: Kind, recover: Callable[[Fault], bool]
) -> Any:
    """Parse ``text``, letting ``recover`` mend each syntax error and go on.

    ``recover`` returns False to give up (the error then propagates).
    """
    return parser.parse(text, start=start, on_error=lambda error: recover(Fault(error, text)))
