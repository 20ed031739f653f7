"""Policy text -> AST: Lark parses, a transformer builds typed, located values.

Syntax errors become `PolicyKBError`s naming file:line:col, what was found and what was
expected in the policy author's words (see `syntax_errors.py`)."""

from __future__ import annotations

import codecs
import datetime as dt
from decimal import Decimal
import re
import hashlib
from fractions import Fraction
from functools import cache
from pathlib import Path

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import LarkError, UnexpectedInput, VisitError

from policykb import resources
from policykb.errors import Diagnostic, PolicyKBError
from policykb.limits import (MAX_CONDITION_PARTS, MAX_NESTING, MAX_NUMBER_DIGITS, MAX_POLICY_BYTES, number_in_range,
                             read_at_most)
from policykb.language.ast import (Citation, Clause, Criterion, Datum, Definition, Drop, Example, Expectation,
                                   IndicatorDeclaration, Override, Policy, Span, Threshold, TitleDeclaration)
from policykb.language.syntax_errors import describe_syntax_error
from policykb.operators.registry import BUILDERS


@cache
def _lark() -> Lark:
    return Lark(resources.grammar_file().read_text(encoding="utf-8"), parser="lalr",
                propagate_positions=True, maybe_placeholders=False, edit_terminals=_whole_word_keywords)


def _whole_word_keywords(terminal) -> None:
    """Keywords match whole words only: `requires` must be reported as an unknown word, not
    read as `require` followed by a name `s`."""
    from lark.lexer import PatternRE

    value = terminal.pattern.value
    if terminal.pattern.type == "str" and value[:1].isalpha() and value.replace("_", "").isalnum():
        terminal.pattern = PatternRE(re.escape(value) + r"(?![A-Za-z0-9_])", terminal.pattern.flags)
        terminal.priority = max(terminal.priority, 1)


class _Field:
    """A `key value` line inside a block, kept with its position for duplicate checks."""

    def __init__(self, key: str, value, span: Span):
        self.key, self.value, self.span = key, value, span


SINGLE_FIELDS_POLICY = ("issuer", "jurisdiction", "document", "effective", "source_url", "validity", "review",
                        "supersedes", "expires")
SINGLE_FIELDS_CRITERION = ("kind", "article", "paragraph", "source_text", "summary", "note", "require")


def _text_field(key: str):
    """A transformer method for a `key "text"` (or `key WORD`) line."""
    def build(self, children):
        token = children[0]
        return _Field(key, _unquote(token) if token.type == "STRING" else str(token), self._span(token))
    return build


class _ToAst(Transformer):
    def __init__(self, file: str, text: str):
        super().__init__(visit_tokens=False)
        self.file = file
        self.text = text
        self.diagnostics: list[Diagnostic] = []

    def _span(self, meta_or_token) -> Span:
        return Span(self.file, getattr(meta_or_token, "line", 0) or 0, getattr(meta_or_token, "column", 0) or 0)

    # ---------------------------------------------------------------- conditions
    def __default__(self, data, children, meta):
        build = BUILDERS.get(str(data))
        if build is None:  # pragma: no cover - grammar and registry out of step
            raise KeyError(f"no construct registered for grammar rule '{data}'")
        return build(children, self._span(meta))

    def threshold(self, children):
        number = children[0]
        unit = str(children[1]) if len(children) > 1 else None
        written = str(number) + (("" if unit and not unit[0].isascii() or unit == "%" else " ") + unit if unit else "")
        return Threshold(written, Fraction(str(number).replace("_", "")), unit, self._span(number))

    # ---------------------------------------------------------------- fields
    issuer, jurisdiction, document = _text_field("issuer"), _text_field("jurisdiction"), _text_field("document")
    source_url, review, kind = _text_field("source_url"), _text_field("review"), _text_field("kind")
    article, paragraph, note = _text_field("article"), _text_field("paragraph"), _text_field("note")
    source_text, summary = _text_field("source_text"), _text_field("summary")
    supersedes, description, counted_by = _text_field("supersedes"), _text_field("description"), _text_field("counted_by")
    unit = _text_field("unit")

    def uses(self, children):
        return _Field("uses:" + str(children[0]), str(children[0]), self._span(children[0]))

    def label(self, children):
        return _Field("label:" + str(children[0]), _unquote(children[1]), self._span(children[0]))

    @v_args(meta=True)
    def yearly(self, meta, children):
        return _Field("yearly", True, self._span(meta))

    def expires(self, children):
        return self._date_field("expires", children[0])

    def title(self, children):
        return _Field("title:" + str(children[0]), _unquote(children[1]), self._span(children[0]))

    def effective(self, children):
        return self._date_field("effective", children[0])

    def _date_field(self, key: str, token) -> _Field:
        try:
            value = dt.date.fromisoformat(str(token))
        except ValueError:
            self.diagnostics.append(Diagnostic(f"'{token}' is not a calendar date", expected="YYYY-MM-DD",
                                               **self._span(token).where()))
            value = None
        return _Field(key, value, self._span(token))

    def validity(self, children):
        return _Field("validity", int(children[0]), self._span(children[0]))

    @v_args(meta=True)
    def require(self, meta, children):
        # Keep the condition as written, for the graph's description and for explanations.
        written = " ".join(self.text[meta.start_pos:meta.end_pos].split())
        written = written[len("require"):].strip() if written.startswith("require") else written
        return _Field("require", (children[0], written), children[0].span)

    # ---------------------------------------------------------------- blocks
    def _collect(self, fields, single: tuple[str, ...]) -> dict:
        seen: dict[str, _Field] = {}
        for f in fields:
            if f.key in seen and (f.key in single or f.key.startswith("title:")):
                self.diagnostics.append(Diagnostic(
                    f"'{f.key.split(':')[0]}' is given twice in one block (first at line {seen[f.key].span.line})",
                    hint="keep one; combine conditions with 'and' / 'or'" if f.key == "require" else None,
                    **f.span.where()))
            seen.setdefault(f.key, f)
        return {k: f.value for k, f in seen.items()}

    def policy_block(self, children):
        ident, *fields = children
        parent = None
        if fields and isinstance(fields[0], tuple):
            parent, fields = fields[0][1], fields[1:]
        values = self._collect(fields, SINGLE_FIELDS_POLICY)
        values["extends"] = parent
        return ("policy", str(ident), values, self._span(ident))

    def extends(self, children):
        return ("extends", str(children[0]))

    def library_block(self, children):
        return ("library", str(children[0]), {}, self._span(children[0]))

    # ---------------------------------------------------------------- other items
    def override_block(self, children):
        ident, *fields = children
        threshold = next((f.value for f in fields if f.key == "threshold"), None)
        values = self._collect([f for f in fields if f.key != "threshold"], SINGLE_FIELDS_CRITERION)
        if "require" in values:
            values["expression"] = values["require"][1]
            values["require"] = values["require"][0]
        return Override(str(ident), values, threshold, self._span(ident))

    def threshold_field(self, children):
        return _Field("threshold", children[0], children[0].span)

    def drop(self, children):
        return Drop(str(children[0]), _unquote(children[1]), self._span(children[0]))

    def define(self, children):
        return Definition(str(children[0]), children[1], self._span(children[0]))

    def indicator_declaration(self, children):
        ident, *fields = children
        values = self._collect(fields, ("unit", "yearly", "description"))
        return IndicatorDeclaration(str(ident), values.get("unit"), values.get("yearly", False), _labels(values),
                                    values.get("description"), self._span(ident))

    def title_declaration(self, children):
        ident, *fields = children
        values = self._collect(fields, ("counted_by",))
        return TitleDeclaration(str(ident), _labels(values), values.get("counted_by"), self._span(ident))

    def clause(self, children):
        omitted = _unquote(children[1]) if len(children) > 1 else None
        return Clause(_unquote(children[0]), omitted, self._span(children[0]))

    def example(self, children):
        name, as_of, data, expect = children
        return Example(_unquote(name), int(as_of), data, expect, self._span(name))

    def example_data(self, children):
        return list(children)

    def example_expect(self, children):
        return list(children)

    def expectation(self, children):
        return Expectation(str(children[0]), str(children[1]), self._span(children[0]))

    def datum_value(self, children):
        name, *rest = children
        year = int(rest[0]) if len(rest) == 2 else None
        value = rest[-1]
        if isinstance(value, Token) and value.type == "BOOLEAN":
            value = str(value) == "true"
        return Datum("value", {"indicator": str(name), "year": year, "value": value}, self._span(name))

    @v_args(meta=True)
    def datum_county(self, meta, children):
        return Datum("county", {"county": _unquote(children[0])}, self._span(meta))

    @v_args(meta=True)
    def datum_enterprise(self, meta, children):
        ident, *rest = children
        titles = next((r for r in rest if isinstance(r, list)), [])
        return Datum("enterprise", {"id": str(ident), "leading": True in rest, "titles": titles}, self._span(meta))

    @v_args(meta=True)
    def datum_incident(self, meta, children):
        year, kind, severity = children
        return Datum("incident", {"year": int(year), "kind": str(kind), "severity": str(severity)}, self._span(meta))

    @v_args(meta=True)
    def datum_no_incidents(self, meta, children):
        return Datum("no_incidents", {}, self._span(meta))

    @v_args(meta=True)
    def datum_assessment(self, meta, children):
        return Datum("assessment", {"criterion": str(children[0]), "result": str(children[1])}, self._span(meta))

    def criterion_block(self, children):
        ident, *fields = children
        values = self._collect(fields, SINGLE_FIELDS_CRITERION)
        return Criterion(id=str(ident), kind=values.get("kind", "hard"),
                         citation=Citation(values.get("article"), values.get("paragraph")),
                         source_text=values.get("source_text"), summary=values.get("summary"),
                         note=values.get("note"), condition=values.get("require", (None, None))[0],
                         expression=values.get("require", (None, None))[1], span=self._span(ident))

    def start(self, children):
        (what, ident, values, span), *items = children
        titles = {k.split(":")[1]: v for k, v in values.items() if k.startswith("title:")}
        policy = Policy(id=ident, titles=titles, issuer=values.get("issuer"), jurisdiction=values.get("jurisdiction"),
                        document=values.get("document"), effective=values.get("effective"),
                        source_url=values.get("source_url"), validity_years=values.get("validity"),
                        review=values.get("review"), criteria=[], file=self.file, span=span,
                        is_library=what == "library", extends=values.get("extends"),
                        supersedes=values.get("supersedes"), expires=values.get("expires"),
                        uses=[v for k, v in values.items() if k.startswith("uses:")])
        for item in items:
            self._place(policy, item)
        return policy

    def _place(self, policy: Policy, item) -> None:
        """Put a top-level item where it belongs; a library holds only shared pieces."""
        if policy.is_library and not isinstance(item, (Definition, IndicatorDeclaration, TitleDeclaration)):
            self.diagnostics.append(Diagnostic(
                "a library holds only definitions and vocabulary declarations", **item.span.where(),
                hint="put criteria, examples and clauses in a policy file"))
            return
        if isinstance(item, Definition):
            if item.name in policy.definitions:
                self.diagnostics.append(Diagnostic(f"'{item.name}' is defined twice (first at line "
                                                   f"{policy.definitions[item.name].span.line})", **item.span.where()))
            policy.definitions.setdefault(item.name, item)
            return
        target = {Criterion: policy.criteria, Override: policy.overrides, Drop: policy.drops,
                  IndicatorDeclaration: policy.indicator_declarations, TitleDeclaration: policy.title_declarations,
                  Clause: policy.clauses, Example: policy.examples}[type(item)]
        target.append(item)


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def _labels(values: dict) -> dict:
    return {k.split(":")[1]: v for k, v in values.items() if k.startswith("label:")}


def _unquote(token: Token) -> str:
    """The text of a string literal; only \\" \\\\ \\n \\t are escapes (nothing is evaluated)."""
    text = str(token)
    if text.startswith('"""'):
        return text[3:-3].strip()
    out, chars = [], iter(text[1:-1])
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        escaped = next(chars, "")
        out.append(_ESCAPES.get(escaped, "\\" + escaped))  # an unknown escape stays as written
    return "".join(out)


def parse_text(text: str, file: str = "<policy>") -> Policy:
    """Parse policy `text`; raise PolicyKBError with every located problem."""
    _check_nesting_text(text, file)  # before Lark, which takes a minute over a megabyte of '('
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as error:
        raise PolicyKBError([describe_syntax_error(error, text, file)]) from None
    except LarkError as error:  # pragma: no cover - other parser failures
        raise PolicyKBError.single(f"cannot parse: {error}", file=file) from None
    _check_nesting_tree(tree, file)  # the transformer and the checkers recurse
    _check_condition_width(tree, file)  # evaluation costs rules per part
    _check_numbers(tree, file)  # Python refuses to convert an integer of over 4,300 digits
    builder = _ToAst(file, text)
    try:
        policy = builder.transform(tree)
    except VisitError as error:  # a builder rejected its input (e.g. a number too large)
        raise PolicyKBError.single(f"cannot read this construct: {error.orig_exc}", file=file,
                                   line=getattr(error.obj.meta, "line", None) if hasattr(error.obj, "meta") else None) from None
    if builder.diagnostics:
        raise PolicyKBError(builder.diagnostics)
    policy.source_sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return policy


def parse_file(path: Path | str) -> Policy:
    path = Path(path)
    try:
        raw = read_at_most(path, MAX_POLICY_BYTES)
    except OSError as error:
        raise PolicyKBError.single(f"cannot read the policy file: {error.strerror or error}", file=str(path)) from None
    if raw is None:
        raise PolicyKBError.single(f"the file is larger than {MAX_POLICY_BYTES:,} bytes, the most a policy file "
                                   "may hold", file=str(path), hint="a measure is a few pages; is this the right file?")
    body = raw[len(codecs.BOM_UTF8):] if raw.startswith(codecs.BOM_UTF8) else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(str(path), body, error.start) from None
    return parse_text(text, str(path))


def _not_utf8(file: str, body: bytes, start: int) -> PolicyKBError:
    """The error for a file whose first bad byte is body[start] (body: the bytes after any
    BOM), located by line and character column like every other diagnostic."""
    before = body[:start].decode("utf-8")  # valid: the decoder stopped at `start`
    line_start = before.rfind("\n") + 1
    return PolicyKBError.single("the file is not valid UTF-8", file=file, line=before.count("\n") + 1,
                                column=len(before) - line_start + 1, hint="save it as UTF-8")


# ---------------------------------------------------------------- nesting limits
# Strings and comments (whose parentheses do not count), parentheses, and every other word
# or character: enough of the lexer to count nesting before Lark runs. A string not closed
# on its line runs to the line's end (Lark reports it): were it tried again at each '"' in
# it, a line of 1 MB of \" would take hours. No group repeats per character, for speed.
_NESTING_TOKENS = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]*\\.)*[^"\\\n]*"?|#[^\n]*|[()]|[A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*|\S')
_COMBINATORS = frozenset({"negation", "all_of", "any_of"})


def _nesting_error(file: str, line: int | None, column: int | None, message: str) -> PolicyKBError:
    return PolicyKBError.single(message, file=file, line=line, column=column,
                                hint="a measure's conditions nest a few levels; write a long condition flat "
                                     "(a and b and c) or split it into criteria")


def _check_nesting_text(text: str, file: str) -> None:
    """Refuse more than MAX_NESTING open parentheses, or `not`s in a row."""
    depth = nots = 0
    for match in _NESTING_TOKENS.finditer(text):
        token = match.group()
        nots = nots + 1 if token == "not" else 0
        depth += 1 if token == "(" else -1 if token == ")" else 0
        if depth > MAX_NESTING or nots > MAX_NESTING:
            start = match.start()
            line = text.count("\n", 0, start) + 1
            raise _nesting_error(file, line, start - (text.rfind("\n", 0, start) + 1) + 1,
                                 f"parentheses are nested more than {MAX_NESTING} deep" if depth > MAX_NESTING
                                 else f"more than {MAX_NESTING} 'not' in a row")


def _check_nesting_tree(tree: Tree, file: str) -> None:
    """Refuse conditions (not / and / or) inside one another more than MAX_NESTING deep
    (without recursing: this guards the code that does)."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if node.data in _COMBINATORS:
            depth += 1
            if depth > MAX_NESTING:
                meta = node.meta
                raise _nesting_error(file, getattr(meta, "line", None), getattr(meta, "column", None),
                                     f"conditions (not, and, or) are nested more than {MAX_NESTING} deep")
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))


# ---------------------------------------------------------------- width limit
def _check_condition_width(tree: Tree, file: str) -> None:
    """Refuse a `require` that joins more than MAX_CONDITION_PARTS conditions with and / or."""
    for require in tree.find_data("require"):
        condition = require.children[0]
        parts = _condition_parts(condition)
        if parts > MAX_CONDITION_PARTS:
            meta = getattr(condition, "meta", None)
            raise PolicyKBError.single(
                f"this condition joins {parts:,} conditions with 'and' / 'or'", file=file,
                line=getattr(meta, "line", None), column=getattr(meta, "column", None),
                expected=f"at most {MAX_CONDITION_PARTS} in one condition",
                hint="a measure's condition joins a handful: split a long 'and' into several criteria, and "
                     "record a long list of alternatives as one yes/no indicator in the data")


def _condition_parts(condition: Tree) -> int:
    """How many conditions `condition` joins with and / or (`not x` is one)."""
    count, stack = 0, [condition]
    while stack:
        node = stack.pop()
        if isinstance(node, Tree) and node.data in _COMBINATORS:
            stack.extend(node.children)
        else:
            count += 1
    return count


# ---------------------------------------------------------------- number sizes
def _check_numbers(tree: Tree, file: str) -> None:
    """Refuse a number with more than MAX_NUMBER_DIGITS digits before or after its point,
    as CSV and Turtle data are refused (no measure needs more than 15)."""
    for token in tree.scan_values(lambda v: isinstance(v, Token) and v.type in ("NUMBER", "INT")):
        digits = str(token).replace("_", "")
        if not number_in_range(Decimal(digits)):
            whole, _, fraction = digits.partition(".")
            raise PolicyKBError.single(
                f"number out of range: it has {len(whole) + len(fraction):,} digits", file=file, line=token.line,
                column=token.column, expected=f"at most {MAX_NUMBER_DIGITS} digits before the decimal point and after it",
                hint="write the amount in a larger unit (亿元 rather than 元)")
