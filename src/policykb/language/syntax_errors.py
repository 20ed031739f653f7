"""Syntax errors in the policy author's words (curated, as Catala does).

Lark reports terminals by internal name; this module turns them into what an author
would type, and recognises a few common slips with a specific hint."""

from __future__ import annotations

from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

import re

from policykb.errors import Diagnostic
from policykb.suggest import did_you_mean

FRIENDLY = {
    "IDENT": "a name", "NUMBER": "a number", "INT": "a whole number", "STRING": 'a quoted text "..."',
    "DATE": "a date YYYY-MM-DD", "COMPARATOR": "a comparison (>=, >, <=, <, =)", "UNIT": "a unit",
    "KIND": "hard, soft or qualitative", "LANG": "zh or en", "$END": "the end of the file",
}

LOOKALIKES = {
    "≥": ">=", "≤": "<=", "＞": ">", "＜": "<", "＝": "=", "％": "%", "“": '"', "”": '"',
    "（": "(", "）": ")", "，": ",", "：": ":", "｛": "{", "｝": "}",
}


def _expected(names) -> str:
    from policykb.language.parser import _lark

    shown: list[str] = []
    for name in sorted(names):
        if name in FRIENDLY:
            shown.append(FRIENDLY[name])
            continue
        try:
            pattern = _lark().get_terminal(name).pattern
        except KeyError:
            shown.append(name.lower())
            continue
        shown.append(f"'{_keyword(pattern)}'" if _keyword(pattern) else name.lower())
    unique = list(dict.fromkeys(shown))
    return unique[0] if len(unique) == 1 else "one of " + ", ".join(unique)


KEYWORD_END = "(?![A-Za-z0-9_])"


def _keyword(pattern) -> str | None:
    """The word a keyword terminal matches (keywords are made whole-word regexes)."""
    if pattern.type == "str":
        return pattern.value
    if pattern.value.endswith(KEYWORD_END):
        return re.sub(r"\\(.)", r"\1", pattern.value[: -len(KEYWORD_END)])
    return None


def _keywords(names) -> list[str]:
    from policykb.language.parser import _lark

    words = []
    for name in names:
        try:
            word = _keyword(_lark().get_terminal(name).pattern)
        except KeyError:
            continue
        if word:
            words.append(word)
    return words


MAX_SHOWN = 60  # characters of an unexpected token quoted in a message


def _shown(token: str) -> str:
    """`token` quoted, cut short when long: a message quotes the token, not a 2 MB line."""
    if len(token) <= MAX_SHOWN:
        return f"'{token}'"
    return f"'{token[:MAX_SHOWN]}...' ({len(token):,} characters)"


def _found(error: UnexpectedInput, text: str) -> str:
    if isinstance(error, UnexpectedToken):
        return "the end of the file" if error.token.type == "$END" else _shown(str(error.token))
    if isinstance(error, UnexpectedCharacters):
        return f"'{text[error.pos_in_stream]}'"
    return "the end of the file"


def describe_syntax_error(error: UnexpectedInput, text: str, file: str) -> Diagnostic:
    line, column = getattr(error, "line", None), getattr(error, "column", None)
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
        expected = error.expected
        hint = "a block is not closed: check that every '{' has its '}'" if "RBRACE" in expected else None
        return Diagnostic("the file ends too early", file, line, column, _expected(expected), hint)
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream]
        hint = f"write {LOOKALIKES[char]} instead of the full-width or typographic {char}" if char in LOOKALIKES else None
        allowed = error.allowed or set()
        return Diagnostic(f"unexpected character '{char}'", file, line, column,
                          _expected(allowed) if allowed else None, hint)
    expected = error.expected if isinstance(error, UnexpectedToken) else set()
    hint = None
    first = str(getattr(error, "token", ""))[:1]
    if first in LOOKALIKES:
        hint = f"write {LOOKALIKES[first]} instead of the full-width or typographic {first}"
    if isinstance(error, UnexpectedToken) and error.token.type == "IDENT" and "COMPARATOR" in expected:
        hint = "a quantity is compared with a threshold, e.g. total_output >= 40亿元 in each of the last 3 years"
    if isinstance(error, UnexpectedToken) and str(error.token)[:1].isalpha() and hint is None \
            and len(_keywords(expected)) > 1:
        hint = did_you_mean(str(error.token), _keywords(expected))
    return Diagnostic(f"unexpected {_found(error, text)}", file, line, column, _expected(expected), hint)
