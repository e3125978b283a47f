"""Python-Markdown's inline stage, skipping the patterns a piece of text cannot match.

Python-Markdown tries each of its ~15 inline patterns (links, emphasis, code, entities, ...) on every
piece of text, one regular expression after another; that was a third of the time spent on Markdown.
Each pattern needs a certain character to match at all (a link needs "[", an entity "&"), so a text
without it is passed over. The output is the same, byte for byte (tests/test_quickinline.py).

This reaches into two private methods of Python-Markdown's InlineProcessor. If a later version
renames them, `install` leaves Python-Markdown's own processor in place: slower, never wrong.
"""

from __future__ import annotations

import markdown
from markdown import util
from markdown.treeprocessors import InlineProcessor

# What a text must contain for each built-in pattern (and the footnotes extension's) to match: one
# mark or either of two; a pattern not listed here is always tried.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "not_strong": ("*", "_"),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "footnote": ("[^",),
}
_INLINE_PRIORITY = 20  # where Python-Markdown registers its own "inline" tree processor
_PRIVATE = ("_InlineProcessor__handleInline", "_InlineProcessor__applyPattern")


class QuickInlineProcessor(InlineProcessor):
    """Python-Markdown's InlineProcessor with a cheap test before each pattern."""

    def __init__(self, md: markdown.Markdown):
        super().__init__(md)
        self._plan: tuple[tuple[object, tuple[str, str] | None], ...] | None = None

    def _patterns(self) -> tuple[tuple[object, tuple[str, str] | None], ...]:
        # Built on first use: extensions may register patterns after this processor.
        if self._plan is None:
            registry = self.inlinePatterns
            triggers: list[tuple[str, str] | None] = [None] * len(registry)
            for name, needed in TRIGGERS.items():
                if name in registry:
                    triggers[registry.get_index_for_name(name)] = (needed[0], needed[-1])
            self._plan = tuple(zip(list(registry), triggers, strict=True))
        return self._plan

    def _InlineProcessor__handleInline(self, data: str, pattern_index: int = 0) -> str:  # noqa: N802 - the overridden name
        # Python-Markdown's loop, with the test added: a pattern passed over is a pattern that did not match.
        if isinstance(data, util.AtomicString):
            return data
        plan = self._patterns()
        apply = self._InlineProcessor__applyPattern
        start = 0
        while pattern_index < len(plan):
            pattern, needed = plan[pattern_index]
            # Two tests rather than any() over a generator, which cost 8 % of the whole conversion.
            if needed is not None and needed[0] not in data and needed[1] not in data:
                pattern_index += 1
                start = 0
                continue
            data, matched, start = apply(pattern, data, pattern_index, start)
            if not matched:
                pattern_index += 1
        return data


def install(md: markdown.Markdown) -> bool:
    """Put the quick processor in place of Python-Markdown's inline one; False if this version of
    Python-Markdown does not have the methods it builds on."""
    if not all(hasattr(InlineProcessor, name) for name in _PRIVATE) or "inline" not in md.treeprocessors:
        return False
    md.treeprocessors.register(QuickInlineProcessor(md), "inline", _INLINE_PRIORITY)
    return True
