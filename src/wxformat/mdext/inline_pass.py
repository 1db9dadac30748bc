"""Python-Markdown's inline pass, with each text rebuilt once per pattern, not once per match.

Python-Markdown applies its inline patterns one after another to a block's text. Each match
is replaced by a placeholder, and the whole text is rebuilt before the pattern is searched
again from just after it: a paragraph of 14,000 links or 25,000 emphases (100 KB) copied
100 KB 14,000-25,000 times, two thirds of its render time.

Here a pattern keeps searching the text as it was, from just after the match, and the text
is rebuilt once, when the pattern has no more matches. What a pattern sees is the same as
before, because only what precedes the search position differs (the matched text instead of
the placeholder), and it is used only where it cannot matter:

- the pattern's regular expression reads at most `back` characters before where a match
  starts (its lookbehinds and word boundaries, found by parsing it): a match that starts
  closer than that to the last replacement, or that would start there only after the
  placeholder, makes the text be rebuilt first, as Python-Markdown would have it;
- the processor's `handleMatch` reads the text only after the match, or at most one character
  before it (emphasis delimiters): only processors known to do so take this path
  (`IN_PLACE_TYPES`, or a processor's own `wx_lookback`); any other pattern is applied as
  Python-Markdown applies it;
- emphasis keeps positions between calls (delimiters paired once, returned one by one):
  those are always taken, and compared with, in the text Python-Markdown would give it.

Every other step (which patterns, in which order, recursion into a match's children, the
placeholders and their numbers) is Python-Markdown's own; text with no match for a pattern
skips it at the cost of one regular-expression search.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Any, cast
from xml.etree.ElementTree import Element

from markdown import Markdown, inlinepatterns, util
from markdown.treeprocessors import InlineProcessor

# the regular-expression parser Python compiles with (its module names changed in 3.11)
try:
    _sre_parse: Any = importlib.import_module("re._parser")
    _sre_constants: Any = importlib.import_module("re._constants")
except ImportError:  # pragma: no cover  # Python 3.10
    _sre_parse = importlib.import_module("sre_parse")
    _sre_constants = importlib.import_module("sre_constants")

# processors whose handleMatch reads nothing of the text but its match (exact types: a
# subclass may read more)
IN_PLACE_TYPES: frozenset[type[Any]] = frozenset(
    {
        inlinepatterns.SimpleTextInlineProcessor,
        inlinepatterns.EscapeInlineProcessor,
        inlinepatterns.SimpleTagInlineProcessor,
        inlinepatterns.SubstituteTagInlineProcessor,
        inlinepatterns.HtmlInlineProcessor,
    }
)
# Markdown 3.11's emphasis: reads one character before a delimiter, keeps positions
_DELIMITERS: type[Any] | None = getattr(inlinepatterns, "DelimiterProcessor", None)

_AT = _sre_constants.AT
_LOOKS_BOTH_WAYS = {
    _sre_constants.AT_BEGINNING_LINE,
    _sre_constants.AT_BOUNDARY,
    _sre_constants.AT_NON_BOUNDARY,
    _sre_constants.AT_UNI_BOUNDARY,
    _sre_constants.AT_UNI_NON_BOUNDARY,
    _sre_constants.AT_LOC_BOUNDARY,
    _sre_constants.AT_LOC_NON_BOUNDARY,
}
_LOOKS_AHEAD = {_sre_constants.AT_END, _sre_constants.AT_END_LINE, _sre_constants.AT_END_STRING}
_ASSERTS = {_sre_constants.ASSERT, _sre_constants.ASSERT_NOT}
_UNBOUNDED = int(_sre_constants.MAXREPEAT)
_PLACEHOLDER_LENGTH = len(util.INLINE_PLACEHOLDER % "0000")
_PLAIN_LENGTH = 256  # texts remembered as matching no pattern: a link's or emphasis' text


def regex_reach(regex: re.Pattern[str]) -> tuple[int, int | None] | None:
    """How many characters before a match's start the regex may read, and how many from its
    start on (None: no bound); None when the regex cannot be read."""
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
    except Exception:  # pragma: no cover  # a regex Python compiled parses again
        return None
    back = ahead = 0

    def walk(pattern: Any) -> None:
        nonlocal back, ahead
        for op, av in pattern:
            if op in _ASSERTS:
                direction, sub = av
                if direction < 0:
                    back += sub.getwidth()[1]
                else:
                    ahead += sub.getwidth()[1]
            elif op is _AT and av in _LOOKS_BOTH_WAYS:
                back, ahead = back + 1, ahead + 1
            elif op is _AT and av in _LOOKS_AHEAD:
                ahead += 1
            for item in av if isinstance(av, tuple | list) else (av,):
                for sub in item if isinstance(item, list) else (item,):
                    if isinstance(sub, _sre_parse.SubPattern):
                        walk(sub)

    walk(parsed)
    width = parsed.getwidth()[1]
    bounded = width < _UNBOUNDED and ahead < _UNBOUNDED and back < _UNBOUNDED
    return back, (width + ahead if bounded else None)


class _Plan:
    """How a pattern may be applied in place: the characters before a match that its regex
    (`back`) or its processor (`lookback`) may read, and what the regex reads in all."""

    __slots__ = ("back", "emphasis", "guard", "span")

    def __init__(self, back: int, span: int | None, lookback: int, emphasis: bool) -> None:
        self.back, self.span, self.emphasis = back, span, emphasis
        self.guard = max(back, lookback)


# what the inline pass reads of Markdown 3.11's emphasis processor between its calls
_EMPHASIS_STATE = ("regions", "stack", "cache_pos", "cache_index", "delimiters", "reset")


def _plan(pattern: Any) -> _Plan | None:
    if not isinstance(pattern, inlinepatterns.InlineProcessor):
        return None
    lookback: int | None = getattr(pattern, "wx_lookback", None)
    emphasis = type(pattern) in _EMPHASIS_TYPES
    if emphasis:
        if not all(hasattr(pattern, name) for name in _EMPHASIS_STATE):
            return None  # another version's: applied as before
        lookback = 1
    elif type(pattern) in IN_PLACE_TYPES:
        lookback = 0
    if lookback is None:
        return None
    # a processor may state its regex's reach where reading it would overstate it
    reach = getattr(pattern, "wx_reach", None) or regex_reach(pattern.compiled_re)
    if reach is None:
        return None
    back, span = reach
    # a lookbehind must fit in the placeholder, and be checked on a bounded piece of text
    # (or by the processor's own `wx_same_after`)
    unbounded = span is None and not hasattr(pattern, "wx_same_after")
    if back > _PLACEHOLDER_LENGTH or (back and unbounded):
        return None
    return _Plan(back, span, lookback, emphasis)


class LinearInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor with its per-text step (`__handleInline`) replaced:
    its `run` and placeholder handling are inherited unchanged."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self._patterns: list[tuple[Any, re.Pattern[str], _Plan | None]] | None = None
        # short texts no pattern from an index on finds anything in (a paragraph of links
        # repeats its link texts: 14,000 times 20 searches for `a`)
        self._plain: set[tuple[str, int]] = set()

    def _prepare(self) -> list[tuple[Any, re.Pattern[str], _Plan | None]]:
        patterns: list[Any] = list(self.inlinePatterns)
        self._patterns = [(p, p.getCompiledRegExp(), _plan(p)) for p in patterns]
        self._plain = set()
        return self._patterns

    def run(self, tree: Element, ancestors: list[str] | None = None) -> Element:
        self._prepare()
        return super().run(tree, ancestors)

    # Python-Markdown's private name: its run() and __applyPattern call this one
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        patterns = self._patterns if self._patterns is not None else self._prepare()
        key = (data, patternIndex)
        if key in self._plain:
            return data
        found = False
        for index in range(patternIndex, len(patterns)):
            pattern, regex, plan = patterns[index]
            if regex.search(data) is None:  # what Python-Markdown's search would find
                continue
            found = True
            if any(exclude.lower() in self.ancestors for exclude in pattern.ANCESTOR_EXCLUDES):
                continue
            if plan is None:
                data = self._apply_as_before(pattern, data, index)
            else:
                data = self._apply_in_place(pattern, regex, plan, data, index)
        if not found and len(data) <= _PLAIN_LENGTH:
            self._plain.add(key)
        return data

    def _apply_as_before(self, pattern: Any, data: str, index: int) -> str:
        apply = cast(
            Callable[[Any, str, int, int], tuple[str, bool, int]],
            self._InlineProcessor__applyPattern,  # type: ignore[attr-defined]
        )
        start, matched = 0, True
        while matched:
            data, matched, start = apply(pattern, data, index, start)
        return data

    def _stash(self, node: Element | str, pattern: Any, index: int) -> str:
        """What Python-Markdown's __applyPattern does with a match: its children's text gets
        the later patterns, their tails this one and later, and it becomes a placeholder."""
        if not isinstance(node, str) and not isinstance(node.text, util.AtomicString):
            for child in [node, *node]:
                if child.text:
                    self.ancestors.append(child.tag.lower())
                    child.text = self._InlineProcessor__handleInline(child.text, index + 1)
                    self.ancestors.pop()
                if child.tail:
                    child.tail = self._InlineProcessor__handleInline(child.tail, index)
        key = "%04d" % len(self.stashed_nodes)  # noqa: UP031  # Python-Markdown's numbering
        self.stashed_nodes[key] = node
        return util.INLINE_PLACEHOLDER % key

    def _apply_in_place(
        self, pattern: Any, regex: re.Pattern[str], plan: _Plan, data: str, index: int
    ) -> str:
        """Every match of one pattern, searched in `data` as it was: `done` holds the text
        rebuilt up to `cut`, after which `data` is still what Python-Markdown would search."""
        done: list[str] = []
        cut = 0  # data[cut:] is the rest of the text; done + data[cut:] the whole
        pos = 0
        while True:
            found: tuple[Element | str | None, int, int] | None = None
            rebuild = False
            for m in regex.finditer(data, pos):
                # (with nothing replaced yet, data is the text itself: no question arises)
                if done and (
                    m.start() < cut + plan.guard  # it would read where a placeholder stands
                    or (plan.emphasis and not self._emphasis_in_place(pattern))
                ):
                    rebuild = True
                    break
                pairing = plan.emphasis and not pattern.regions  # not returning kept ones
                node, start, end = pattern.handleMatch(m, data)
                if start is None or end is None:
                    continue
                if done and pairing and pattern.regions:
                    # it paired more delimiters than this one, and keeps their positions for
                    # the next calls: they must be positions in the text Python-Markdown
                    # gives it, so the match is taken again there
                    pattern.reset()
                    rebuild = True
                    break
                found = node, start, end
                break
            if rebuild:  # search again from the same place, in the text rebuilt
                data, pos, cut, done = self._rebuild(done, data, cut, pos)
                continue
            if found is None:  # no more matches
                return "".join(done) + data[cut:] if done else data
            node, start, end = found
            in_place = cut <= start <= end <= len(data)
            if done and not in_place:  # a span Python-Markdown's slicing must place
                head = "".join(done)
                start, end = (x if x < 0 else x - cut + len(head) for x in (start, end))
                data, cut, done = head + data[cut:], 0, []
            if node is None:
                pos = end
                continue
            placeholder = self._stash(node, pattern, index)
            if not in_place:  # as Python-Markdown does it, whatever the span
                data = data[:start] + placeholder + data[end:]
                pos = start + len(placeholder)
                continue
            done.append(data[cut:start])
            done.append(placeholder)
            cut = pos = end
            if plan.back and self._differs_after(pattern, regex, plan, placeholder, data, cut):
                data, pos, cut, done = self._rebuild(done, data, cut, pos)

    @staticmethod
    def _rebuild(done: list[str], data: str, cut: int, pos: int) -> tuple[str, int, int, list[str]]:
        """The whole text as Python-Markdown has it, where pos (at or after cut) is in it,
        and nothing left to rebuild."""
        head = "".join(done)
        return head + data[cut:], len(head) + pos - cut, 0, []

    @classmethod
    def _differs_after(
        cls,
        pattern: Any,
        regex: re.Pattern[str],
        plan: _Plan,
        placeholder: str,
        data: str,
        cut: int,
    ) -> bool:
        """Whether the pattern may find otherwise after the placeholder than after the text
        it stands for: its own answer (`wx_same_after`), else a probe."""
        same_after = getattr(pattern, "wx_same_after", None)
        if same_after is not None:
            return not same_after(data, cut)
        return cls._matches_after(regex, plan, placeholder, data, cut)

    @staticmethod
    def _matches_after(
        regex: re.Pattern[str], plan: _Plan, placeholder: str, data: str, cut: int
    ) -> bool:
        """Whether the regex, reading the placeholder before `cut`, matches within `back`
        characters after it (a bounded regex: a bounded piece of the text decides)."""
        assert plan.span is not None  # _plan keeps regexes that look back bounded
        back = plan.back
        probe = placeholder[-back:] + data[cut : cut + back + plan.span + 2]
        m = regex.search(probe, back)
        return m is not None and m.start() < 2 * back

    @staticmethod
    def _emphasis_in_place(pattern: Any) -> bool:
        """Whether emphasis may be matched in place: with delimiters still to return, it
        finds the next by position, which only the rebuilt text gives as Python-Markdown
        would, unless the next is where a pair starts."""
        regions = pattern.regions
        return not regions or bool(pattern.cache_pos == regions[pattern.cache_index][0])


def _isolated_emphasis(
    pattern: Any, m: re.Match[str], data: str
) -> tuple[Element, int, int] | None:
    """`*text*` standing alone, as Markdown 3.11's DelimiterProcessor reads it, or None.

    With nothing kept from earlier calls, a `*` after a space (or at the start) and before
    text is an opener; the next delimiter character (`*` or `_`) being a single `*` after
    text and before a space (or at the end), the two pair as one <em> and nothing is kept:
    each step of its handleMatch has one outcome here. Anything else is left to it."""
    i = m.start()
    if data[i] != "*" or pattern.regions or pattern.stack:
        return None
    delimiters = pattern.delimiters
    star = delimiters.get("*")
    if star is None or star.smart or star.double or star.tag_count != 2 or star.stack:
        return None
    if any(token not in "*_" or d.stack for token, d in delimiters.items()):
        return None
    size = len(data)
    if i + 1 >= size or (i and not data[i - 1].isspace()):
        return None
    first = data[i + 1]
    if first.isspace() or first in delimiters:
        return None
    j = data.find("*", i + 2)
    if j < 0 or data[j - 1].isspace() or (j + 1 < size and not data[j + 1].isspace()):
        return None
    if "_" in delimiters and data.find("_", i + 2, j) >= 0:
        return None
    el = Element(star.tags[1])
    el.text = data[i + 1 : j]
    return el, i, j + 1


if _DELIMITERS is not None:

    class QuickEmphasis(_DELIMITERS):  # type: ignore[misc, valid-type]
        """Markdown 3.11's emphasis with `*text*` standing alone read at once: a paragraph
        of 25,000 spent half its inline pass pairing them one delimiter at a time."""

        def handleMatch(
            self, m: re.Match[str], data: str
        ) -> tuple[Element | None, int | None, int | None]:
            quick = _isolated_emphasis(self, m, data)
            if quick is not None:
                return quick
            return cast(tuple[Element | None, int | None, int | None], super().handleMatch(m, data))

    _EMPHASIS_TYPES: frozenset[type[Any]] = frozenset({_DELIMITERS, QuickEmphasis})
else:  # pragma: no cover  # Markdown before 3.11: AsteriskProcessor, applied as before
    _EMPHASIS_TYPES = frozenset()


_DELIMITER_STATE = ("smart", "double", "tag_count", "tags", "stack")


def quick_emphasis(processor: Any) -> None:
    """Markdown's own emphasis processor reads lone `*text*` at once from now on (it keeps
    its delimiters and state: only its class changes). One of another Markdown version,
    whose state is not the one read here, is left as it is."""
    if _DELIMITERS is None or type(processor) is not _DELIMITERS:
        return
    if not all(hasattr(processor, name) for name in _EMPHASIS_STATE):
        return
    delimiters = processor.delimiters
    if all(hasattr(d, name) for d in delimiters.values() for name in _DELIMITER_STATE):
        processor.__class__ = QuickEmphasis


def available() -> bool:
    """Whether this Markdown's InlineProcessor has the per-text step replaced here (and the
    per-match one it falls back on) under the private names its run() calls."""
    return all(
        hasattr(InlineProcessor, name)
        for name in ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")
    )
