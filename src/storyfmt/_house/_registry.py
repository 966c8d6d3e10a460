"""Every rule that is off until selected, of the house and of the plugins loaded,
and the reading of the configuration's ``vocabulary`` and ``rules`` tables."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from storyfmt._house import House, Vocabulary
from storyfmt._house._base import Options, SettingError, StoryRule, setting, story_lines, toml
from storyfmt._house.breakdown_count_exact import BreakdownCountExact
from storyfmt._house.headline_too_long import HeadlineTooLong
from storyfmt._house.keyword_count import KeywordCount
from storyfmt._house.missing_stat import MissingStat
from storyfmt._house.point_count import PointCount
from storyfmt._house.question_count import QuestionCount
from storyfmt._house.tags_keywords_mismatch import TagsKeywordsMismatch
from storyfmt._house.title_too_long import TitleTooLong
from storyfmt._plugins import PluginError, installed, load, loaded, owner

RULES: tuple[StoryRule, ...] = (
    TitleTooLong(),
    HeadlineTooLong(),
    MissingStat(),
    PointCount(),
    KeywordCount(),
    QuestionCount(),
    BreakdownCountExact(),
    TagsKeywordsMismatch(),
)
"""Every house rule of storyfmt, in the order of their codes."""


def every_rule() -> tuple[StoryRule, ...]:
    """The house rules, then the rules of the plugins loaded, by prefix."""
    return (*RULES, *(rule for plugin in loaded() for rule in plugin.rules))


def _by_name(name: str) -> StoryRule | None:
    """The rule of a name: of the house or of a plugin loaded, else of a plugin
    not yet loaded (all are loaded to find it, but for those that fail)."""
    found = _named(name)
    if found is None:
        for each in installed():
            try:
                load(each)
            except PluginError:
                continue
        found = _named(name)
    return found


def _named(name: str) -> StoryRule | None:
    return next((rule for rule in every_rule() if rule.name == name), None)


# The keys of [tool.storyfmt.vocabulary]: each names a field of Vocabulary, and
# replaces its values or, with "extend-", adds to them.
_VOCABULARY_KEYS = {"status": "status", "political-leaning": "political_leaning"}


def read_vocabulary(value: object) -> Vocabulary:
    """Read a ``vocabulary`` table: ``status`` and ``political-leaning`` replace the
    known values, ``extend-status`` and ``extend-political-leaning`` add to them.

    Raises:
        SettingError: an unknown key or a wrong value.
    """
    if not isinstance(value, dict):
        raise SettingError(
            ("vocabulary",), "'vocabulary' must be a table such as { status = [...] }"
        )
    replaced: dict[str, tuple[str, ...]] = {}
    added: dict[str, tuple[str, ...]] = {}
    for key, given in value.items():
        keys = ("vocabulary", key)
        field = _VOCABULARY_KEYS.get(key.removeprefix("extend-"))
        if field is None:
            known = [*_VOCABULARY_KEYS, *(f"extend-{name}" for name in _VOCABULARY_KEYS)]
            raise SettingError(
                keys, f"unknown key {setting(keys)}; the keys are {', '.join(known)}"
            )
        try:
            values = story_lines(given)
        except ValueError as error:
            raise SettingError(keys, f"{setting(keys)} {error}") from None
        (added if key.startswith("extend-") else replaced)[field] = values
    return Vocabulary(
        **{
            field: tuple(dict.fromkeys(replaced.get(field, known) + added.get(field, ())))
            for field, known in zip(Vocabulary._fields, Vocabulary(), strict=True)
        }
    )


def read_rules(value: object) -> dict[str, Options]:
    """Read a ``rules`` table: a table of options for each rule, by its name.

    Returns:
        The options of each rule the table names, the defaults filled in.

    Raises:
        SettingError: an unknown rule or option, or a wrong value.
    """
    if not isinstance(value, dict):
        raise SettingError(("rules",), "'rules' must be a table of rules and their options")
    options: dict[str, Options] = {}
    for slug, given in value.items():
        rule = _by_name(slug)
        if rule is None:
            code = slug.upper()
            every = every_rule()
            named = [each.name for each in every if each.code == code]
            advice = (
                f"write its name: {named[0]}"
                if named
                else "the rules with options are " + ", ".join(each.name for each in every)
            )
            raise SettingError(("rules", slug), f"unknown rule {slug!r} in 'rules'; {advice}")
        if not isinstance(given, dict):
            given_as = ", ".join(
                f"{o.name} = {toml(o.default)}" for o in rule.options if o.default is not None
            )
            example = f"such as {{ {given_as} }}" if given_as else "and the rule has no options"
            raise SettingError(
                ("rules", slug), f"{setting(('rules', slug))} must be a table, {example}"
            )
        options[slug] = _configure(rule, given)
    return options


def _configure(rule: StoryRule, given: Mapping[str, object]) -> Options:
    """A rule's options (:meth:`StoryRule.configure`), a plugin's failure named.

    Raises:
        SettingError: a wrong option, or a plugin's rule that raised on its options.
    """
    try:
        return rule.configure(given)
    except SettingError:
        raise
    except Exception as error:
        raise SettingError(
            ("rules", rule.name),
            f"{owner(rule.code)}: {rule.code} raised {type(error).__name__}: {error}"
            " on its options",
        ) from error


def configured(
    vocabulary: Vocabulary,
    options: Mapping[str, Options],
    selected: Callable[[str], bool],
    limit: float | None = None,
) -> House:
    """The house of a configuration: its vocabularies, and the rules it selects,
    of the house and of the plugins loaded, with the options it gives them
    (their defaults otherwise); the plugins' rules run contained, given
    ``limit`` seconds a story, if a limit is given."""
    rules = tuple(
        (rule, options.get(rule.name) or _configure(rule, {}))
        for rule in every_rule()
        if selected(rule.code)
    )
    return House(vocabulary, rules, limit)
