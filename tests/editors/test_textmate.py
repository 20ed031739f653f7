"""editors/policykb.tmLanguage.json: a well-formed TextMate grammar that colours the shipped
policies the way grammar/policy.lark reads them, and that cannot drift from the Lark grammar.

The tokenizer below is a small TextMate-like matcher: line by line, at each position every
pattern of the current context is searched; the earliest match wins, the first listed on a
tie (an open begin/end rule's `end` before its inner patterns). That is how VS Code's
vscode-textmate chooses, restricted to what this grammar uses: match, begin/end, name,
contentName, captures and `#name` includes.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest
from lark import Lark, Token

ROOT = Path(__file__).resolve().parents[2]
TM_FILE = ROOT / "editors" / "policykb.tmLanguage.json"
CONFIG_FILE = ROOT / "editors" / "language-configuration.json"
LARK_FILE = ROOT / "grammar" / "policy.lark"
POLICIES = sorted((ROOT / "policies").glob("*.policy"))

REGEX_KEYS = ("match", "begin", "end", "while")

# Oniguruma constructs Python's `re` spells differently. The grammar is written to need none of
# them; they are translated so that a future pattern using one still gets checked.
_ONIGURUMA_ONLY = [
    (re.compile(r"(?<!\\)((?:\\\\)*)\\h"), r"\1[0-9A-Fa-f]"),
    (re.compile(r"(?<!\\)((?:\\\\)*)\\H"), r"\1[^0-9A-Fa-f]"),
    (re.compile(r"(?<!\\)((?:\\\\)*)\\z"), r"\1\\Z"),
    (re.compile(r"(?<!\\)((?:\\\\)*)\(\?<([A-Za-z_]\w*)>"), r"\1(?P<\2>"),
]


def to_python(pattern: str) -> str:
    for rx, replacement in _ONIGURUMA_ONLY:
        pattern = rx.sub(replacement, pattern)
    return pattern


@cache
def compiled(pattern: str) -> re.Pattern:
    return re.compile(to_python(pattern))


@cache
def grammar() -> dict:
    return json.loads(TM_FILE.read_text(encoding="utf-8"))


def walk(node, path="$"):
    """Every (path, key, value) in the grammar, recursively."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from walk(value, f"{path}[{i}]")


# ---------------------------------------------------------------- the tokenizer
def flatten(patterns: list, repository: dict, seen: tuple = ()) -> list[dict]:
    """The leaf rules (match or begin/end) of a pattern list, includes expanded in place."""
    rules = []
    for rule in patterns:
        if "include" in rule:
            name = rule["include"]
            assert name.startswith("#"), f"only #name includes are supported, got {name!r}"
            if name in seen:
                continue
            target = repository[name[1:]]
            leaf = "match" in target or "begin" in target
            rules += flatten([target] if leaf else target.get("patterns", []), repository, seen + (name,))
        elif "match" in rule or "begin" in rule:
            rules.append(rule)
        elif "patterns" in rule:
            rules += flatten(rule["patterns"], repository, seen)
    return rules


def _paint(scopes: list, m: re.Match, base: tuple, captures: dict | None) -> None:
    for i in range(m.start(), m.end()):
        scopes[i] = base
    for key in sorted(captures or {}, key=int):
        name = captures[key].get("name")
        if name and m.start(int(key)) >= 0:
            for i in range(m.start(int(key)), m.end(int(key))):
                scopes[i] = scopes[i] + (name,)


def tokenize(text: str, tm: dict | None = None) -> list[tuple[str, ...]]:
    """The scope stack (outermost first) of every character of text, one more for the final
    newline: index i is text[i]. Each line is matched with its newline, as editors do."""
    tm = tm or grammar()
    repository = tm.get("repository", {})
    top = flatten(tm["patterns"], repository)
    contexts = {id(None): (top, [compiled(r.get("match") or r["begin"]) for r in top])}
    stack: list[tuple[dict, tuple, tuple]] = []  # open begin/end rules: (rule, outer scopes, inner scopes)
    out: list[tuple[str, ...]] = []
    for line in text.split("\n"):
        line += "\n"
        scopes: list = [()] * len(line)
        # A search's result stays good while pos has not passed its start: the same search
        # from any pos up to there finds the same leftmost match (or, if none, still none).
        found: dict[int, list] = {}
        pos = 0
        while pos < len(line):
            open_rule, base = (stack[-1][0], stack[-1][2]) if stack else (None, ())
            if id(open_rule) not in contexts:
                inner = flatten(open_rule.get("patterns", []), repository)
                contexts[id(open_rule)] = (inner, [compiled(r.get("match") or r["begin"]) for r in inner])
            rules, regexes = contexts[id(open_rule)]
            results = found.setdefault(id(open_rule), [False] * len(rules))
            best = None  # (start, order, match, rule); the open rule's end comes first on a tie
            if open_rule is not None:
                m = compiled(open_rule["end"]).search(line, pos)
                if m:
                    best = (m.start(), -1, m, None)
            for order, rx in enumerate(regexes):
                if best is not None and best[0] == pos:
                    break  # nothing later in the list can start earlier
                m = results[order]
                if m is False or (m is not None and m.start() < pos):
                    m = results[order] = rx.search(line, pos)
                if m and (best is None or m.start() < best[0]):
                    best = (m.start(), order, m, rules[order])
            if best is None:
                scopes[pos:] = [base] * (len(line) - pos)
                break
            start, _, m, rule = best
            scopes[pos:start] = [base] * (start - pos)
            if rule is None:  # the open rule ends
                popped, outer, _ = stack.pop()
                _paint(scopes, m, outer, popped.get("endCaptures") or popped.get("captures"))
            elif "match" in rule:
                _paint(scopes, m, base + ((rule["name"],) if "name" in rule else ()), rule.get("captures"))
            else:
                outer = base + ((rule["name"],) if "name" in rule else ())
                _paint(scopes, m, outer, rule.get("beginCaptures") or rule.get("captures"))
                stack.append((rule, outer, outer + ((rule["contentName"],) if "contentName" in rule else ())))
            if m.end() == pos and rule is not None:  # an empty match must not stall the line
                scopes[pos] = base
                pos += 1
            else:
                pos = m.end()
        out += scopes
    return out[:len(text) + 1]


def innermost(stack: tuple[str, ...]) -> str | None:
    return stack[-1] if stack else None


def scope_of(text: str, needle: str) -> str:
    """The innermost scope of the first occurrence of needle in text (one scope for all of it)."""
    word = re.escape(needle)
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", needle):
        word = rf"(?<![A-Za-z_-]){word}(?![A-Za-z0-9_-])"  # a word, not part of a longer one
    found_at = re.search(word, text)
    assert found_at, f"{needle!r} not in {text!r}"
    start = found_at.start()
    scopes = tokenize(text)
    found = {innermost(scopes[i]) for i in range(start, start + len(needle))}
    assert len(found) == 1, f"{needle!r} in {text!r} is split across scopes {found}"
    return found.pop()


def in_scope(stack: tuple[str, ...], prefix: str) -> bool:
    return any(s == prefix or s.startswith(prefix + ".") for s in stack)


def inside(stack: tuple[str, ...]) -> set[str]:
    """Whether a character is inside a string, a comment, both or neither."""
    return {kind for kind in ("string", "comment") if in_scope(stack, kind)}


# ---------------------------------------------------------------- structure
def test_json_loads_with_the_expected_header():
    tm = grammar()
    assert tm["scopeName"] == "source.policykb"
    assert tm["fileTypes"] == ["policy"]
    assert isinstance(tm["patterns"], list) and tm["patterns"]
    assert isinstance(tm["repository"], dict) and tm["repository"]


def test_every_regex_compiles_with_python_re():
    regexes = [(path, key, value) for path, key, value in walk(grammar()) if key in REGEX_KEYS]
    assert len(regexes) > 30
    failures = []
    for path, key, value in regexes:
        assert isinstance(value, str), f"{path}.{key} is not a string"
        try:
            compiled(value)
        except re.error as e:
            failures.append(f"{path}.{key}: {value!r}: {e}")
    assert failures == []


def test_the_oniguruma_translation_itself():
    assert to_python(r"\h+\z") == r"[0-9A-Fa-f]+\Z"
    assert to_python(r"(?<id>x)\\h") == r"(?P<id>x)\\h"  # an escaped backslash before h stays


def test_every_include_names_a_repository_key():
    repository = grammar()["repository"]
    includes = [(path, value) for path, key, value in walk(grammar()) if key == "include"]
    assert includes
    for path, value in includes:
        assert value.startswith("#") and value[1:] in repository, f"{path}: include {value!r}"


def test_every_repository_entry_is_used_and_every_rule_is_named():
    tm = grammar()
    used = {value[1:] for _, key, value in walk(tm) if key == "include"}
    assert set(tm["repository"]) == used
    for rule in flatten(tm["patterns"], tm["repository"]):
        named = "name" in rule or any(c.get("name") for c in rule.get("captures", {}).values())
        assert named, f"a rule colours nothing: {rule}"


def test_language_configuration():
    config = json.loads(CONFIG_FILE.read_text(encoding="utf-8"))
    assert config["comments"]["lineComment"] == "#"
    assert ["{", "}"] in config["brackets"] and ["(", ")"] in config["brackets"]
    pairs = {(p["open"], p["close"]) if isinstance(p, dict) else tuple(p) for p in config["autoClosingPairs"]}
    assert {("{", "}"), ("(", ")"), ('"', '"')} <= pairs


# ---------------------------------------------------------------- the shipped policies, against Lark
@cache
def lark_parser() -> tuple[Lark, list]:
    comments: list[Token] = []
    parser = Lark(LARK_FILE.read_text(encoding="utf-8"), parser="lalr", keep_all_tokens=True,
                  lexer_callbacks={"COMMENT": comments.append})
    return parser, comments


@cache
def lark_tokens(path: Path) -> tuple[str, list[Token], list[Token]]:
    """The file's text, every token Lark reads in it (keywords and punctuation too), and its comments."""
    parser, comments = lark_parser()
    comments.clear()
    text = path.read_text(encoding="utf-8")
    tree = parser.parse(text)
    tokens = sorted(tree.scan_values(lambda v: isinstance(v, Token)), key=lambda t: t.start_pos)
    return text, tokens, list(comments)


BLOCK_WORDS = {"policy", "library", "criterion", "override", "drop", "define", "indicator",
               "clause", "example", "data", "expect"}
STATUSES = {"met", "unmet", "unknown", "review", "eligible", "ineligible", "undetermined"}
PUNCTUATION = {"{", "}", "(", ")", ",", ":"}


def expected_scope(tokens: list[Token], i: int) -> str:
    """The scope (a prefix) that token i must get, from what Lark made of it."""
    tok, value = tokens[i], str(tokens[i])
    prev = str(tokens[i - 1]) if i else ""
    prev2 = str(tokens[i - 2]) if i > 1 else ""
    nxt = str(tokens[i + 1]) if i + 1 < len(tokens) else ""
    by_type = {"STRING": "string.quoted.triple" if value.startswith('"""') else "string.quoted.double",
               "NUMBER": "constant.numeric", "INT": "constant.numeric", "DATE": "constant.numeric.date",
               "UNIT": "keyword.other.unit", "KIND": "storage.type", "LANG": "constant.language.tag",
               "BOOLEAN": "constant.language.boolean", "COMPARATOR": "keyword.operator.comparison"}
    if tok.type in by_type:
        return by_type[tok.type]
    if tok.type == "IDENT":
        if prev in {"policy", "library", "criterion", "indicator", "define"} or (prev2, prev) == ("enterprise", "title"):
            return "entity.name.function"
        if prev == "extends":
            return "entity.other.inherited-class"
        if prev == "unit":
            return "keyword.other.unit"
        return "support.constant" if value in STATUSES else "variable.other"
    if value == "=":
        return "keyword.operator"  # assignment after define, comparison elsewhere
    if value in PUNCTUATION:
        return "punctuation"
    if value in BLOCK_WORDS or (value, nxt) == ("enterprise", "title") or (prev, value) == ("enterprise", "title"):
        return "keyword.control"
    if value == "or" and nxt == "worse":
        return "keyword.other.condition"
    if value in {"and", "or", "not"}:
        return "keyword.operator.logical"
    return "keyword.other"


@cache
def file_scopes(text: str) -> list[tuple[str, ...]]:
    return tokenize(text)


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_lark_token_of_a_policy_gets_its_scope(path):
    text, tokens, comments = lark_tokens(path)
    scopes = file_scopes(text)
    covered = [False] * len(text)
    wrong = []
    for i, tok in enumerate(tokens):
        want = expected_scope(tokens, i)
        where = {"string"} if tok.type == "STRING" else set()
        covered[tok.start_pos:tok.end_pos] = [True] * (tok.end_pos - tok.start_pos)
        bad = [k for k in range(tok.start_pos, tok.end_pos) if inside(scopes[k]) != where or not (
            in_scope(scopes[k], want) if where else (innermost(scopes[k]) or "").startswith(want))]
        if bad:
            wrong.append(f"{path.name}:{tok.line}: {str(tok)!r} ({tok.type}) wants {want}, "
                         f"char {text[bad[0]]!r} has {scopes[bad[0]]}")
    for c in comments:  # `#` to the end of the line, quotes and all
        covered[c.start_pos:c.end_pos] = [True] * (c.end_pos - c.start_pos)
        if not all(inside(scopes[k]) == {"comment"} and in_scope(scopes[k], "comment.line.number-sign")
                   for k in range(c.start_pos, c.end_pos)):
            wrong.append(f"{path.name}:{c.line}: comment {str(c)!r} is not all comment")
    for k, char in enumerate(text):
        if not covered[k]:
            assert char.isspace(), f"{path.name}: {char!r} at {k} is in no Lark token"
            if inside(scopes[k]):
                wrong.append(f"{path.name}: whitespace at {k} outside any string or comment has {scopes[k]}")
    assert wrong == []


def test_the_lark_oracle_sees_every_construct_it_checks():
    """The test above is not vacuous: the policies hold the constructs it checks."""
    types, values, comments = set(), set(), []
    for path in POLICIES:
        _, tokens, file_comments = lark_tokens(path)
        comments += file_comments
        types |= {t.type for t in tokens}
        values |= {str(t) for t in tokens}
    assert comments and any(re.search(r"[\u4e00-\u9fff]", v) for v in values if v.startswith('"'))
    assert {"STRING", "NUMBER", "INT", "UNIT", "KIND", "LANG", "COMPARATOR", "IDENT"} <= types
    assert {"criterion", "require", "and", "or", "kind", "hard", "soft", "qualitative", ">=", ">"} <= values


# Exact scopes for a chosen set of words, wherever Lark reads them as that keyword in a policy.
CHOSEN = {
    "policy": "keyword.control.block.policykb",
    "criterion": "keyword.control.block.policykb",
    "example": "keyword.control.block.policykb",
    "data": "keyword.control.block.policykb",
    "expect": "keyword.control.block.policykb",
    "require": "keyword.other.field.policykb",
    "kind": "keyword.other.field.policykb",
    "summary": "keyword.other.field.policykb",
    "effective": "keyword.other.field.policykb",
    "and": "keyword.operator.logical.policykb",
    "hard": "storage.type.kind.policykb",
    "soft": "storage.type.kind.policykb",
    "qualitative": "storage.type.kind.policykb",
    ">=": "keyword.operator.comparison.policykb",
    ">": "keyword.operator.comparison.policykb",
    "<=": "keyword.operator.comparison.policykb",
    "zh": "constant.language.tag.policykb",
    "en": "constant.language.tag.policykb",
    "true": "constant.language.boolean.policykb",
    "share": "keyword.other.condition.policykb",
    "titled": "keyword.other.condition.policykb",
    "worse": "keyword.other.condition.policykb",
}


def test_chosen_keywords_get_their_exact_scopes_in_the_policies():
    seen, wrong = set(), []
    for path in POLICIES:
        text, tokens, _ = lark_tokens(path)
        scopes = file_scopes(text)
        for i, tok in enumerate(tokens):
            value = str(tok)
            if tok.type == "UNIT":  # 40亿元, 70%, 100 km2: the number, then its unit
                assert tokens[i - 1].type == "NUMBER"
                number = {innermost(scopes[k]) for k in range(tokens[i - 1].start_pos, tokens[i - 1].end_pos)}
                unit = {innermost(scopes[k]) for k in range(tok.start_pos, tok.end_pos)}
                if (number, unit) != ({"constant.numeric.policykb"}, {"keyword.other.unit.policykb"}):
                    wrong.append(f"{path.name}:{tok.line}: {tokens[i - 1]}{tok} got {number} {unit}")
                seen.add(str(tokens[i - 1]) + str(tok))
                continue
            if value == "or":  # logical, except in `serious or worse`
                want = "keyword.other.condition.policykb" if str(tokens[i + 1]) == "worse" \
                    else "keyword.operator.logical.policykb"
            elif tok.type != "IDENT" and value in CHOSEN:
                want = CHOSEN[value]
            else:
                continue
            seen.add(value)
            got = {innermost(scopes[k]) for k in range(tok.start_pos, tok.end_pos)}
            if got != {want}:
                wrong.append(f"{path.name}:{tok.line}: {value!r} wants {want}, got {got}")
    assert wrong == []
    assert set(CHOSEN) | {"or", "40亿元", "70%", "100km2", "1.5%"} <= seen


def test_words_that_are_never_a_unit_are_the_same_as_in_lark():
    """A number's unit is read as grammar/policy.lark's UNIT reads it: same refused words."""
    refused = re.compile(r"\(\?!\(\?:([a-z|]+)\)\\b\)")
    unit_line = next(line for line in LARK_FILE.read_text(encoding="utf-8").splitlines() if line.startswith("UNIT"))
    number_rule = next(value for _, key, value in walk(grammar()["repository"]["numbers"])
                       if key == "match" and refused.search(value))
    assert set(refused.search(unit_line).group(1).split("|")) == set(refused.search(number_rule).group(1).split("|"))


@pytest.mark.parametrize("line, spans", [
    # numbers with their units, glued or after a space
    ("  require total_output >= 40亿元 in each of the last 3 years",
     {"40": "constant.numeric.policykb", "亿元": "keyword.other.unit.policykb",
      "each": "keyword.other.condition.policykb", "3": "constant.numeric.policykb",
      "years": "keyword.other.condition.policykb", "total_output": "variable.other.policykb"}),
    ("  require share of sme_output in total_output >= 70% in the latest year",
     {"70": "constant.numeric.policykb", "%": "keyword.other.unit.policykb",
      "share": "keyword.other.condition.policykb", "latest": "keyword.other.condition.policykb"}),
    ("  require area_km2 <= 100 km2", {"100": "constant.numeric.policykb", "km2": "keyword.other.unit.policykb",
                                      "area_km2": "variable.other.policykb"}),
    ("  require area_km2 <= 100km2", {"100": "constant.numeric.policykb", "km2": "keyword.other.unit.policykb"}),
    ("  threshold 4_000_000_000 CNY", {"4_000_000_000": "constant.numeric.policykb",
                                       "CNY": "keyword.other.unit.policykb", "threshold": "keyword.other.field.policykb"}),
    ("  require rd >= 1.5% in the latest year", {"1.5": "constant.numeric.policykb", "%": "keyword.other.unit.policykb"}),
    # a word that Lark's UNIT refuses is no unit
    ("  require a >= 3 and b", {"and": "keyword.operator.logical.policykb"}),
    ("    sme_output 2023 = 26亿元", {"2023": "constant.numeric.policykb", "=": "keyword.operator.comparison.policykb",
                                     "26": "constant.numeric.policykb", "亿元": "keyword.other.unit.policykb"}),
    ("  require invention_patents per 10000 employees >= 10",
     {"per": "keyword.other.condition.policykb", "10000": "constant.numeric.policykb",
      "employees": "variable.other.policykb"}),
    ("    incident 2022 safety serious", {"incident": "keyword.other.data.policykb", "safety": "variable.other.policykb",
                                         "serious": "variable.other.policykb"}),
    ("  effective 2023-03-15", {"2023-03-15": "constant.numeric.date.policykb"}),
    ("  validity 3 years", {"validity": "keyword.other.field.policykb", "years": "keyword.other.field.policykb"}),
    # declarations
    ("policy jiangsu-2024 extends jiangsu-2023 {",
     {"policy": "keyword.control.block.policykb", "jiangsu-2024": "entity.name.function.policykb",
      "extends": "keyword.other.field.policykb", "jiangsu-2023": "entity.other.inherited-class.policykb",
      "{": "punctuation.section.block.begin.policykb"}),
    ("library cluster-basics", {"library": "keyword.control.block.policykb",
                                "cluster-basics": "entity.name.function.policykb"}),
    ("override criterion sme-share {", {"override": "keyword.control.block.policykb",
                                        "criterion": "keyword.control.block.policykb",
                                        "sme-share": "entity.name.function.policykb"}),
    ('drop criterion pilots because "no pilots any more"',
     {"drop": "keyword.control.block.policykb", "pilots": "entity.name.function.policykb",
      "because": "keyword.other.field.policykb"}),
    ("define sme_share = share of sme_output in total_output",
     {"define": "keyword.control.block.policykb", "sme_share": "entity.name.function.policykb",
      "=": "keyword.operator.assignment.policykb", "in": "keyword.other.condition.policykb"}),
    ("indicator cloud_adoption {", {"cloud_adoption": "entity.name.function.policykb"}),
    ("  unit CNY", {"unit": "keyword.other.field.policykb", "CNY": "keyword.other.unit.policykb"}),
    ("  yearly", {"yearly": "keyword.other.field.policykb"}),
    ('  label en "Cloud adoption"', {"label": "keyword.other.field.policykb", "en": "constant.language.tag.policykb"}),
    ("enterprise title little_giant {", {"enterprise": "keyword.control.block.policykb",
                                         "title": "keyword.control.block.policykb",
                                         "little_giant": "entity.name.function.policykb"}),
    ("  counted by little_giants", {"counted": "keyword.other.field.policykb", "by": "keyword.other.field.policykb"}),
    ('clause "第二条" omitted "procedure only"', {"clause": "keyword.control.block.policykb",
                                               "omitted": "keyword.other.field.policykb"}),
    ('example "all met" {', {"example": "keyword.control.block.policykb"}),
    ("  as of 2024", {"as": "keyword.other.field.policykb", "2024": "constant.numeric.policykb"}),
    ("    enterprise acme in the leading industry titled little_giant, high_tech",
     {"enterprise": "keyword.other.data.policykb", "leading": "keyword.other.condition.policykb",
      "titled": "keyword.other.condition.policykb", ",": "punctuation.separator.comma.policykb"}),
    ("    no incidents", {"no": "keyword.other.data.policykb", "incidents": "keyword.other.data.policykb"}),
    ("    assessment frontier met", {"assessment": "keyword.other.data.policykb", "met": "support.constant.status.policykb"}),
    ("    pillar_industry = false", {"false": "constant.language.boolean.policykb"}),
    ("    area review  verdict undetermined", {"review": "support.constant.status.policykb",
                                              "undetermined": "support.constant.status.policykb"}),
    ('  review "after 3 years"', {"review": "keyword.other.field.policykb"}),
    # conditions
    ("  require not (a or b) and recorded county",
     {"not": "keyword.operator.logical.policykb", "or": "keyword.operator.logical.policykb",
      "(": "punctuation.section.parens.begin.policykb", "recorded": "keyword.other.condition.policykb",
      "county": "variable.other.policykb"}),  # recorded IDENT: an attribute name, not the datum keyword
    ('    county "某县"', {"county": "keyword.other.data.policykb", "某县": "string.quoted.double.policykb"}),
    ("  require average annual growth of x over the last 3 years > 10%",
     {"annual": "keyword.other.condition.policykb", "over": "keyword.other.condition.policykb",
      ">": "keyword.operator.comparison.policykb"}),
    ("  require number of enterprises titled a, b >= 1", {"enterprises": "keyword.other.condition.policykb"}),
    ("  require no incident in the last 3 years {", {"no": "keyword.other.condition.policykb",
                                                     "incident": "keyword.other.condition.policykb"}),
    ("    tax, legal: any severity", {"any": "keyword.other.condition.policykb", ":": "punctuation.separator.colon.policykb"}),
    # identifiers that begin like keywords stay identifiers
    ("  require in-kind >= 3 and data_security and no_show", {"in-kind": "variable.other.policykb",
                                                             "data_security": "variable.other.policykb",
                                                             "no_show": "variable.other.policykb"}),
])
def test_handwritten_lines(line, spans):
    for needle, want in spans.items():
        assert scope_of(line, needle) == want, f"{needle!r} in {line!r}"
    for i, (char, stack) in enumerate(zip(line, tokenize(line))):
        assert not char.isspace() or stack == () or in_scope(stack, "string"), f"space {i} of {line!r}: {stack}"


# ---------------------------------------------------------------- strings and comments
def test_hash_inside_a_string_is_no_comment_and_a_comment_after_it_is():
    line = '  summary "see # 3, not a comment" # a comment'
    scopes = tokenize(line)
    inner = line.index("# 3")
    assert in_scope(scopes[inner], "string.quoted.double") and not in_scope(scopes[inner], "comment")
    tail = line.index("# a")
    assert all(in_scope(s, "comment.line.number-sign") for s in scopes[tail:len(line)])
    assert scope_of(line, "summary") == "keyword.other.field.policykb"


def test_escapes_in_a_double_quoted_string():
    line = r'  note "a \"quote\", a \\ and \n \t; \q is no escape" and'
    scopes = tokenize(line)
    for esc in (r"\"", r"\\", r"\n", r"\t"):
        start = line.index(esc)
        assert innermost(scopes[start]) == "constant.character.escape.policykb", esc
        assert in_scope(scopes[start], "string.quoted.double")
    assert innermost(scopes[line.index(r"\q")]) == "invalid.illegal.unknown-escape.policykb"
    end = line.rindex("and")
    assert innermost(scopes[end]) == "keyword.operator.logical.policykb"  # the string closed before it


def test_chinese_text_and_keywords_inside_strings_stay_string():
    line = '  text "近三年产值均在40亿元以上 require criterion and 70% # x"'
    scopes = tokenize(line)
    body = range(line.index('"') + 1, line.rindex('"'))
    assert all(innermost(scopes[i]) == "string.quoted.double.policykb" for i in body)


def test_an_unclosed_string_ends_with_its_line():
    text = '  note "never closed\n  kind hard'
    scopes = tokenize(text)
    assert in_scope(scopes[text.index("closed")], "string.quoted.double")
    assert innermost(scopes[text.index("kind")]) == "keyword.other.field.policykb"


def test_triple_quoted_string_spans_lines_and_holds_quotes_and_hashes():
    text = ('  text """拥有不少于1家"小巨人"企业\n'
            '  # not a comment, kind hard\n'
            '  end"""  # a comment\n'
            '  kind soft')
    scopes = tokenize(text)
    closing = text.index('"""', 10)
    for i in range(text.index('"""'), closing + 3):
        assert in_scope(scopes[i], "string.quoted.triple"), (i, text[i], scopes[i])
        assert not in_scope(scopes[i], "comment")
    assert innermost(scopes[text.index('"小')]) == "string.quoted.triple.policykb"
    assert in_scope(scopes[text.index("# a comment")], "comment.line.number-sign")
    assert innermost(scopes[text.index("soft")]) == "storage.type.kind.policykb"


def test_a_comment_holds_quotes_and_keywords():
    line = '# criterion "not a string'
    assert all(innermost(s) in ("comment.line.number-sign.policykb", "punctuation.definition.comment.policykb")
               for s in tokenize(line)[:len(line)])
    assert tokenize(line + "\n  kind hard")[len(line) + 3] == ("keyword.other.field.policykb",)


# ---------------------------------------------------------------- no drift from the Lark grammar
PLACEHOLDERS = {"IDENT": "foo", "INT": "3", "NUMBER": "3", "DATE": "2024-01-01", "STRING": '"s"',
                "LANG": "en", "KIND": "hard", "BOOLEAN": "true", "COMPARATOR": ">=", "UNIT": "CNY"}
_LARK_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"i?|/(?:[^/\\\n]|\\.)+/[imslux]*|->\s*\w+|[A-Za-z_]\w*(?:\.\d+)?|\S')
_LARK_HEAD = re.compile(r"^\s*(?:[?!]?([A-Za-z_]\w*)(?:\.\d+)?\s*:|\|)")


def lark_keywords(lark_text: str) -> set[str]:
    """Keyword literals of the grammar, as the brief for this test names them."""
    return set(re.findall(r'"([a-z][a-z ]*)"', _without_comments(lark_text)))


def _without_comments(lark_text: str) -> str:
    return "\n".join(line for line in lark_text.splitlines() if not line.lstrip().startswith("//"))


def _sample(body: str, fill: dict[str, str]) -> tuple[str, list[tuple[int, int, str]]] | None:
    """One alternative of a rule as text (literals as written, terminals as placeholders, rule
    names and operators left out), with the spans of its keyword literals."""
    text, spans = "", []
    for item in _LARK_ITEM.findall(body):
        if item.startswith('"'):
            word = item.rstrip("i")[1:-1]
        elif item in fill:
            word = fill[item]
        else:
            continue  # a rule name, a regex, an alias, an operator
        if text:
            text += " "
        if re.fullmatch(r"[a-z][a-z ]*", word):
            spans.append((len(text), len(text) + len(word), word))
        text += word
    return (text, spans) if spans else None


def lark_samples(lark_text: str) -> dict[str, list[tuple[str, int, int]]]:
    """For every keyword literal, lines of policy text that use it as the Lark grammar does."""
    lines = [line for line in _without_comments(lark_text).splitlines() if line.strip()]
    alternatives = []  # (head name or None, body)
    for line in lines:
        head = _LARK_HEAD.match(line)
        name = head.group(1) if head and head.group(1) else None
        alternatives.append((name, line[head.end():] if head else line))
    terminal_values = {name: re.findall(r'"([^"]*)"', body) for name, body in alternatives
                       if name and name.isupper() and re.fullmatch(r'\s*"[^"]*"(\s*\|\s*"[^"]*")*\s*', body)}
    samples: dict[str, list[tuple[str, int, int]]] = {}
    for name, body in alternatives:
        if name in terminal_values:
            continue
        fills = [dict(PLACEHOLDERS)]
        for terminal, values in terminal_values.items():
            if re.search(rf"\b{terminal}\b", body):
                fills = [dict(f, **{terminal: v}) for f in fills for v in values]
        for fill in fills:
            built = _sample(body, fill)
            if built:
                text, spans = built
                for start, end, word in spans:
                    samples.setdefault(word, []).append((text, start, end))
    return samples


def uncoloured(lark_text: str, tm: dict | None = None) -> dict[str, list[str]]:
    """Keyword literals of the Lark grammar that some use of leaves plain or as an identifier."""
    samples = lark_samples(lark_text)
    missing = {}
    for word in sorted(lark_keywords(lark_text)):
        uses = samples.get(word)
        if not uses:
            missing[word] = ["<no rule uses it: the sample builder could not place it>"]
            continue
        for text, start, end in uses:
            scopes = tokenize(text, tm)
            got = {innermost(scopes[i]) for i in range(start, end)}
            if len(got) != 1 or None in got or any(g.startswith(("variable.", "string.", "comment.", "invalid."))
                                                   for g in got):
                missing.setdefault(word, []).append(f"{text!r}: {sorted(map(str, got))}")
    return missing


def test_every_keyword_of_the_lark_grammar_is_coloured():
    lark_text = LARK_FILE.read_text(encoding="utf-8")
    keywords = lark_keywords(lark_text)
    assert {"policy", "criterion", "require", "share", "worse", "zh", "hard", "true"} <= keywords
    assert uncoloured(lark_text) == {}


def test_the_drift_check_fails_on_a_new_uncoloured_keyword():
    lark_text = LARK_FILE.read_text(encoding="utf-8")
    added = lark_text.replace('| "yearly"', '| "yearly"\n                | "frobnicate" STRING -> frob', 1)
    assert added != lark_text
    assert set(uncoloured(added)) == {"frobnicate"}
    renamed = lark_text.replace('"any" "severity"', '"every" "severity"')
    assert set(uncoloured(renamed)) == {"every", "severity"}  # `severity` was coloured as part of `any severity`
    new_kind = lark_text.replace('KIND: "hard" | "soft" | "qualitative"', 'KIND: "hard" | "soft" | "qualitative" | "advisory"')
    assert set(uncoloured(new_kind)) == {"advisory"}
