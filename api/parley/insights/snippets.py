"""Snippets: plain text around a match, with the matching words as ranges in it.

Never HTML, never markers inside the text: the client renders the ranges itself, so nothing
in a message can inject markup. Ranges are in UTF-16 code units, [start, end), as JavaScript
strings index them (`snippet.slice(start, end)`): an emoji counts 2, an accented letter 1.
Which words match comes from PostgreSQL's stemmer (`repository.search_page`), so a query for
"deploying" highlights "deployed"; for a title found by trigrams (a typo, a partial word),
the title's words that look like a query word are highlighted instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

# Letters and digits, as PostgreSQL's [[:alnum:]] splits them in the query that finds the
# matched words.
_WORD = re.compile(r"[^\W_]+")
# Negated terms (`-word`, `-"a phrase"`) of web-style syntax: never highlighted.
_NEGATED = re.compile(r'(?:^|\s)-(?:"[^"]*"?|\S+)')
ELLIPSIS = "…"
SNIPPET_CHARS = 160
# A prefix this short would light up half the text; trigrams need three characters too.
_MIN_FUZZY_CHARS = 3
_FUZZY_SIMILARITY = 0.4


@dataclass(frozen=True)
class Snippet:
    text: str
    # [start, end) in UTF-16 code units of `text`, in order, not overlapping.
    highlights: list[tuple[int, int]]


def highlight_terms(query: str) -> str:
    """The query's words worth highlighting: without negated terms."""
    return _NEGATED.sub(" ", query)


def words(text: str) -> list[tuple[int, int, str]]:
    """Each word of `text`: (start, end) in code points, and its lower-cased form."""
    return [(m.start(), m.end(), m.group().lower()) for m in _WORD.finditer(text)]


def _trigrams(word: str) -> set[str]:
    # pg_trgm's way: each word padded with two spaces before and one after.
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _looks_like(word: str, terms: Sequence[str]) -> bool:
    for term in terms:
        if len(term) < _MIN_FUZZY_CHARS:
            continue
        if word.startswith(term):
            return True
        a, b = _trigrams(word), _trigrams(term)
        if len(a & b) / len(a | b) >= _FUZZY_SIMILARITY:
            return True
    return False


def _utf16(text: str, index: int) -> int:
    """A code-point index of `text` as a UTF-16 code-unit index."""
    return index + sum(1 for ch in text[:index] if ord(ch) > 0xFFFF)


def build(text: str, matched: Iterable[str], query_terms: str, *, fuzzy: bool = False) -> Snippet:
    """A window of about SNIPPET_CHARS of `text` (whitespace collapsed) around its first
    matched word, cut at word boundaries, with every matched word in it as a range. With
    `fuzzy`, words that look like a query word count as matched too (titles found by
    trigrams). Words are read up to the first match, then only inside the window: a long
    message costs what its window does, not a pass over every word."""
    # str.split, not a regex substitution: several times faster on a long message.
    flat = " ".join(text.split())
    wanted = set(matched)
    terms = [w for _, _, w in words(query_terms)]

    def is_match(word: str) -> bool:
        word = word.lower()
        return word in wanted or (fuzzy and _looks_like(word, terms))

    first = _first_match(flat, None if fuzzy else wanted, is_match)
    start, end = _window(flat, first)
    hits: list[tuple[int, int]] = []
    # A window cut inside a long word (no space near) starts with its tail: not a word.
    cut = start > 0 and _WORD.match(flat, start - 1) is not None
    for m in _WORD.finditer(flat, start):
        if m.end() > end:
            break
        if cut and m.start() == start:
            continue
        if is_match(m.group()):
            hits.append(m.span())
    piece = flat[start:end]
    prefix = ELLIPSIS if start > 0 else ""
    suffix = ELLIPSIS if end < len(flat) else ""
    snippet = prefix + piece + suffix
    shift = len(prefix) - start
    ranges = [(_utf16(snippet, s + shift), _utf16(snippet, e + shift)) for s, e in hits]
    return Snippet(snippet, ranges)


def _first_match(
    text: str, wanted: set[str] | None, is_match: Callable[[str], bool]
) -> tuple[int, int]:
    """(start, end) of the first word of `text` that `is_match`, else (0, 0). Given the
    `wanted` words (matching is exact, not fuzzy), one regex search finds it in C instead of
    a look at every word."""
    if wanted is not None and not wanted:
        return 0, 0
    if wanted is not None:
        alternatives = "|".join(sorted(map(re.escape, wanted), key=len, reverse=True))
        whole = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])", re.IGNORECASE)
        candidates: Iterable[re.Match[str]] = whole.finditer(text)
    else:
        candidates = _WORD.finditer(text)
    return next((m.span() for m in candidates if is_match(m.group())), (0, 0))


def _window(text: str, focus: tuple[int, int]) -> tuple[int, int]:
    """[start, end) of about SNIPPET_CHARS around `focus`, a third of it before, widened to
    whole words (never cutting inside one, so never inside a surrogate pair either)."""
    if len(text) <= SNIPPET_CHARS:
        return 0, len(text)
    start = max(0, focus[0] - SNIPPET_CHARS // 3)
    end = min(len(text), max(start + SNIPPET_CHARS, focus[1]))
    if end == len(text):
        start = max(0, min(start, end - SNIPPET_CHARS))
    # Move the cuts outwards to the nearest space, within a word's length.
    if start > 0:
        space = text.rfind(" ", max(0, start - 30), start + 1)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.find(" ", end - 1, min(len(text), end + 30))
        end = space if space >= 0 else end
    return start, end
