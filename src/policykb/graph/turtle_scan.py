"""What rdflib's Turtle parser does not say about a text.

rdflib recurses once per nested blank node or collection, so deep nesting ends in a
RecursionError that depends on how deep the caller's stack already is; `too_deep` finds
nesting past a fixed limit before rdflib sees the text. When the input runs out inside a
term, rdflib fails with an IndexError or an AssertionError that carries no position;
`left_open` and `missing_datatype` say what is unfinished, and where it began.

A light scan, not a parser: it skips strings, IRIs, comments and escapes (so brackets in
them do not count) and looks at brackets, '^^' and quotes or '<' never closed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# Skipped whole: text with nothing of interest (first, so that the scan runs at C speed
# through it), strings (long quotes first: '"""' opens a long string, never an empty one),
# IRIs (as Turtle writes them: no spaces, quotes or '<' inside, so a '<' never closed is
# given up at once), comments, and escapes (a local name may escape a bracket: ex:a\(b).
_SKIP = r'''[^"'<#\\\[\]()^?]+|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\'''' \
        r'''|"(?!"")(?:[^"\\\n\r]|\\.)*"|'(?!'')(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*|\\.'''
# A quote or '<' that opens nothing _SKIP could close: a string or IRI left open.
_OPEN = r'''"""|\'\'\'|["'<]'''
_TOKEN = re.compile(rf"(?P<skip>{_SKIP})|(?P<bracket>[\[\]()])|(?P<datatype>\^\^)|(?P<open>{_OPEN})"
                    r"|(?P<variable>\?\w+)", re.S)
# The same, for findall: the bracket is the only group ('' for everything else).
_BRACKETS = re.compile(rf"(?:{_SKIP})|([\[\]()])|(?:\^\^)|(?:{_OPEN})", re.S)
_OPENERS = {"]": "[", ")": "("}
_SPACE_AND_COMMENTS = re.compile(r"(?:\s|#[^\n\r]*)*")


@dataclass(frozen=True)
class Token:
    """A bracket, '^^', a quote or '<' never closed ("open"), or a variable (?x: N3, not
    Turtle), at `index` of the text."""

    kind: str
    text: str
    index: int
    end: int


def tokens(text: str) -> Iterator[Token]:
    """The brackets, '^^', unclosed quotes or '<' and variables of `text`, in order."""
    for found in _TOKEN.finditer(text):
        if found.lastgroup != "skip":
            yield Token(found.lastgroup, found.group(), found.start(), found.end())  # type: ignore[arg-type]


def too_deep(text: str, limit: int) -> int | None:
    """The index of the first '[' or '(' that opens more than `limit` at once, if any."""
    if text.count("[") + text.count("(") <= limit:  # cannot nest that deep
        return None
    # A first pass in C decides (about 1 % of the time rdflib takes to parse the text); only
    # a text that does nest too deep is walked again, for the place.
    if _deepest("".join(_BRACKETS.findall(text))) <= limit:
        return None
    depth = 0
    for token in tokens(text):
        if token.kind == "bracket":
            depth = depth + 1 if token.text in "[(" else max(depth - 1, 0)
            if depth > limit:
                return token.index
    return None


def _deepest(brackets: str) -> int:
    depth = deepest = 0
    for bracket in brackets:
        # One closed too many is rdflib's to report; it does not make the rest shallower.
        depth = depth + 1 if bracket in "[(" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def left_open(text: str) -> list[Token]:
    """What is still open where the text ends: a string or an IRI the text ends inside,
    or else the brackets never closed (outermost first)."""
    brackets: list[Token] = []
    ends_inside = _ends_inside(text)
    for token in tokens(text):
        if token.kind == "open" and ends_inside(token):
            return [token]
        if token.kind == "bracket" and token.text in "[(":
            brackets.append(token)
        elif token.kind == "bracket" and brackets and brackets[-1].text == _OPENERS[token.text]:
            brackets.pop()
    return brackets


def _ends_inside(text: str):
    """Whether the text ends inside the string or IRI an "open" token starts: a long string
    not closed does; an IRI does when no '>' follows (rdflib reads one up to the next '>');
    a short string when no line break follows (else rdflib reports it where its line ends)."""
    last_gt, last_break = text.rfind(">"), max(text.rfind("\n"), text.rfind("\r"))
    return lambda token: (len(token.text) == 3 or
                          (last_gt if token.text == "<" else last_break) < token.index)


def missing_datatype(text: str) -> int | None:
    """Where a datatype IRI should follow the first '^^' that has none (rdflib fails on it
    with an IndexError): the index of what follows instead, or of the end of the text."""
    for token in tokens(text):
        if token.kind == "datatype":
            after = _SPACE_AND_COMMENTS.match(text, token.end).end()
            if after == len(text):
                return len(text.rstrip())
            if not (text[after] in "<:" or text[after].isalpha()):
                return after
    return None


def first_variable(text: str) -> Token | None:
    """The first variable (?x) outside strings, IRIs and comments: rdflib's N3 parser reads
    one, and fails on it outside a formula with an AttributeError."""
    return next((token for token in tokens(text) if token.kind == "variable"), None)
