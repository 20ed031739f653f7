"""Refuse a SPARQL query or update whose brackets nest past MAX_SPARQL_NESTING, before rdflib
parses it.

rdflib's SPARQL parser (pyparsing) recurses 25 to 50 Python frames for each '(', '[' or '{'
inside another, so a deeply nested query used to end in a RecursionError ("SPARQL query
failed: maximum recursion depth exceeded", with no place), at a depth that depends on how
deep the caller's stack already is. `check_nesting` finds the first bracket past a fixed limit
and says where it is.

A light scan, not a parser (as turtle_scan.py is for Turtle): strings, IRIs, comments and
escapes are skipped, so brackets in them do not count. A '<' that does not open an IRI (a
comparison, `?a < ?b`) is skipped alone.
"""

from __future__ import annotations

import re

from policykb.errors import Diagnostic, PolicyKBError
from policykb.limits import MAX_SPARQL_NESTING

# Skipped whole: text with nothing of interest (first, so the scan runs at C speed through
# it), long strings before short ones, IRIs (no spaces, quotes, '<' or braces inside),
# comments, escapes (a local name may escape a bracket: ex:a\(b), and any quote or '<' that
# opens nothing (rdflib reports an unclosed string itself).
_SKIP = (r'''[^"'<#\\\[\](){}]+|"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""|\'\'\'(?:(?:\'|\'\')?(?:[^\'\\]|\\.))*\'\'\''''
         r'''|"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|\#[^\n\r]*|\\.|["'<\\]''')
_TOKENS = re.compile(rf"(?:{_SKIP})|([\[\](){{}}])", re.S)
_OPENING = frozenset("([{")


def check_nesting(text: str, name: str = "<query>", limit: int = MAX_SPARQL_NESTING) -> None:
    """Raise a PolicyKBError located at the first bracket of `text` that opens more than
    `limit` at once; `name` is what the text is called in the message (<query>, <update>)."""
    if text.count("(") + text.count("[") + text.count("{") <= limit:  # cannot nest that deep
        return
    depth = 0
    for found in _TOKENS.finditer(text):
        bracket = found.group(1)
        if bracket is None:
            continue
        if bracket in _OPENING:
            depth += 1
            if depth > limit:
                raise _too_deep(text, found.start(), name, limit)
        else:  # one closed too many is rdflib's to report; it does not make the rest shallower
            depth = max(depth - 1, 0)


def _too_deep(text: str, index: int, name: str, limit: int) -> PolicyKBError:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return PolicyKBError([Diagnostic(
        f"SPARQL nested too deep: brackets open more than {limit} deep here", file=name, line=line, column=column,
        expected=f"at most {limit} '(', '[' and '{{' open at once",
        hint="write the nested part flat: join conditions with && and || rather than parentheses inside "
             "parentheses, and put patterns side by side in one group rather than groups inside groups")])
