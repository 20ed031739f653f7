"""Fuzz inputs for policykb, and the watchdog that runs them.

Three parts, used by tests/fuzz/test_fuzz_*.py:

1. `PolicyGenerator`: random policy texts derived FROM THE GRAMMAR. grammar/policy.lark is
   compiled by Lark (so `?rule`, `->alias`, `*`, `+` and `[...]` come out as plain
   context-free productions) and a random derivation is walked with bounded depth: below
   the depth bound only the productions that terminate soonest are taken. Terminals are
   filled with plausible vocabulary: real indicator, unit, title, incident-kind and
   severity names of kb/vocabulary.ttl (matched to the construct that holds them, so a
   share gets two money indicators and a threshold a unit of the right dimension) mixed
   with random names, numbers with units, Chinese text, escapes and payloads.
   `embedded()` puts derivations of `condition`, `define`, `example`, ... into a valid
   policy header so that a good share of the texts also passes the checker.

2. Mutators: `mutate_policy()` damages a shipped policy (policies/*.policy): deletes or
   duplicates a token, swaps two lines, inserts random bytes or unicode (full-width
   punctuation, emoji, RTL marks, NUL, zero-width, line separators), huge and tiny numbers
   (10**400, 1e308-like digit strings, 0.000...1), deep nesting (1,000 nested parentheses),
   very long identifiers and strings, truncation at a random byte, invalid UTF-8 byte
   sequences, other encodings (GBK, UTF-16), CRLF, a BOM, a 10 MB file. `mutate_bytes()` and
   `mutate_text()` are the format-blind part, shared with the CSV and Turtle fuzzers.

3. `WorkerPool`: every input runs in a worker process with a timeout. A worker that does
   not answer in time is killed (by its own handle) and replaced, and the input is a
   "hang"; a worker that dies is a "died"; an exception other than PolicyKBError is a
   "crash" with its traceback. Workers get an address-space limit so a memory bomb is a
   MemoryError, not a swapping machine. Workers are spawned (a clean interpreter: no
   threads or engines inherited from other tests) and run `module:function` jobs.

4. `LEFT_OUT`: classes of inputs that hit a known, reported bug. The fuzz loops count them
   as "left out" instead of running them, so the suite stays green and asserts on every
   other input; POLICYKB_FUZZ_LEFT_OUT=none runs them too.

Also here: the location checks (`location_problems`: every diagnostic names a file, its
line and column lie inside that file, invalid UTF-8 is reported at its first bad byte),
the summary counts (`Tally`), the payload marker (`PWNED`), and `fresh_graph`.

Every generator takes a `random.Random`, so an input is reproduced from its seed (the
plain loops use `Random(f"<test>:<n>")`) or from the Random hypothesis hands out.
"""

from __future__ import annotations

import codecs
import dataclasses
import importlib
import math
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from functools import cache
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
FUZZ_DIR = Path(__file__).resolve().parent
GRAMMAR_FILE = ROOT / "grammar" / "policy.lark"
POLICY_FILES = sorted((ROOT / "policies").glob("*.policy"))
KB_DIR = ROOT / "kb"
TURTLE_FILES = sorted(KB_DIR.glob("*.ttl")) + sorted((KB_DIR / "data").glob("*.ttl"))

if str(SRC) not in sys.path:  # the working tree, as tests/conftest.py does
    sys.path.insert(0, str(SRC))


# ============================================================== settings from the environment
def examples(default: int) -> int:
    """How many inputs a fuzz test tries: POLICYKB_FUZZ_EXAMPLES, else `default`."""
    value = os.environ.get("POLICYKB_FUZZ_EXAMPLES")
    return max(1, int(value)) if value else default


def scaled(default: int, base: int) -> int:
    """`default` scaled by POLICYKB_FUZZ_EXAMPLES / `base` (for secondary samples)."""
    value = os.environ.get("POLICYKB_FUZZ_EXAMPLES")
    return max(1, default * int(value) // base) if value else default


TIMEOUT = float(os.environ.get("POLICYKB_FUZZ_TIMEOUT", "10"))  # seconds an input may take
WORKERS = int(os.environ.get("POLICYKB_FUZZ_WORKERS", "2"))  # worker processes of the plain loops
MEMORY_MB = int(os.environ.get("POLICYKB_FUZZ_MEMORY_MB", "3072"))  # address space of a worker

# A payload that, if any part of policykb evaluated text as Python (or as a shell
# command), would create this file. The tests assert it never appears.
PWNED = Path(tempfile.gettempdir()) / "policykb-pwned-XYZ"
PAYLOADS = (
    f"__import__('os').system('touch {PWNED}')",
    f"\"); __import__('os').system('touch {PWNED}'); (\"",
    f"'; __import__('os').system('touch {PWNED}'); '",
    f"{{__import__('os').system('touch {PWNED}')}}",
    f"eval(\"__import__('os').system('touch {PWNED}')\")",
    f"$(touch {PWNED})",
    f"`touch {PWNED}`",
    f"open('{PWNED}', 'w').write('x')",
    "{0.__class__.__mro__[1].__subclasses__}",
    "%(x)s%s%d%n",
)


# ============================================================== vocabulary
@dataclass(frozen=True)
class Names:
    """Names of kb/vocabulary.ttl and of the shipped policies."""

    indicators: dict[str, tuple[str, bool]]  # name -> (dimension, per year)
    units: dict[str, list[str]]  # dimension -> every spelling (name and aliases)
    titles: tuple[str, ...]
    kinds: tuple[str, ...]
    severities: tuple[str, ...]
    policies: tuple[str, ...]  # ids of the shipped policies
    criteria: tuple[str, ...]  # criterion ids of the shipped policies

    def of(self, *dimensions: str, per_year: bool | None = None) -> list[str]:
        return [n for n, (d, y) in self.indicators.items()
                if d in dimensions and (per_year is None or y == per_year)]


@cache
def names() -> Names:
    """Read with rdflib straight from kb/vocabulary.ttl (the generator does not run the code
    it tests)."""
    from rdflib import RDF, Graph, Namespace
    from rdflib.namespace import SKOS

    pkb = Namespace("https://w3id.org/policykb/ns#")
    graph = Graph()
    graph.parse(KB_DIR / "vocabulary.ttl", format="turtle")

    def notation(node) -> str:
        return str(graph.value(node, SKOS.notation))

    def dimension(node) -> str:  # pkb:MoneyDimension -> "money"
        return str(graph.value(node, pkb.dimension)).rsplit("#", 1)[-1].removesuffix("Dimension").lower()

    units: dict[str, list[str]] = {}
    for unit in graph.subjects(RDF.type, pkb.Unit):
        units.setdefault(dimension(unit), []).extend([notation(unit), *map(str, graph.objects(unit, pkb.alias))])
    severities = sorted(graph.subjects(RDF.type, pkb.Severity), key=lambda s: int(graph.value(s, pkb.rank)))
    text = "\n".join(p.read_text(encoding="utf-8") for p in POLICY_FILES)
    return Names(
        indicators={notation(i): (dimension(i), bool(graph.value(i, pkb.perYear).toPython()))
                    for i in sorted(graph.subjects(RDF.type, pkb.Indicator), key=notation)},
        units={d: sorted(spellings) for d, spellings in sorted(units.items())},
        titles=tuple(sorted(notation(t) for t in graph.subjects(RDF.type, pkb.Title))),
        kinds=tuple(sorted(notation(k) for k in graph.subjects(RDF.type, pkb.IncidentKind))),
        severities=tuple(notation(s) for s in severities),
        policies=tuple(re.findall(r"^policy\s+([\w-]+)", text, re.M)),
        criteria=tuple(sorted(set(re.findall(r"^criterion\s+([\w-]+)", text, re.M)))),
    )


# ============================================================== random pieces
CHINESE = ("集群", "主导产业", "中小企业", "产值", "亿元", "以上", "近三年", "平均增长", "研发投入", "发明专利",
           "第三章 认定程序", "第一条", "原则上", "一般", "不低于", "占比", "“专精特新”", "（试行）", "〔2023〕3号",
           "省级以上", "万元", "较大及以上安全事故", "江苏省工业和信息化厅", "特色产业集群")
FULL_WIDTH = "，。：；（）｛｝＞＜＝≥≤％“”‘’！？、　＋－＊／｜"
ODD_UNICODE = ("\u202e", "\u202d", "\u200f", "\u200e", "\u061c", "\u200b", "\u200d", "\ufeff", "\u2028", "\u2029",
               "\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\r", "\t", "\ud7ff", "\ue000", "\uffff",
               "\U0001f680", "\U0001f1e8\U0001f1f3", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "e\u0301",
               "\u0301", "\u0651", "\ufdfd", "\U00010348", "\U0010fffd", "ﬁ", "Å", "ǅ", "İ", "ß", "٣", "１２",
               "\u3000", "\u00a0", "…", "—", "\\", "\\u0041", "\\x00", "${x}", "%s", "{}", "</script>")
INVALID_UTF8 = (b"\xff", b"\xfe", b"\x80", b"\xc0\xaf", b"\xc3\x28", b"\xe4\xb8", b"\xe4\xb8\x41", b"\xed\xa0\x80",
                b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80", b"\xc0\x80", b"\xa0\xa1", b"\xe2\x82",
                "集群".encode("gbk"), "亿元".encode("gb18030"), "\ud800".encode("utf-8", "surrogatepass"))
HUGE_NUMBERS = ("1" + "0" * 400, "9" * 401, "1" + "0" * 308, "17976931348623157" + "0" * 292,
                "0." + "0" * 400 + "1", "0." + "0" * 323 + "5", "1_" * 500 + "0", "0" * 1000 + "1",
                "1" + "0" * 5000, "4" + "0" * 4300, "123456789." + "9" * 3000)
NUMBERS = ("0", "1", "3", "10", "15", "40", "70", "100", "0.5", "30", "1000", "10000", "2.5", "99.99", "4_000",
           "40.00", "007", "1_0", "0.0001", "5", "20", "60")


def ident(rng: random.Random) -> str:
    """A random IDENT (ASCII letters, digits, '_', '-'-joined parts)."""
    parts = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz_") for _ in range(rng.randint(1, 8)))]
    while rng.random() < 0.3:
        parts.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(rng.randint(1, 5))))
    name = "-".join(parts)
    return name.upper() if rng.random() < 0.05 else name


def typo(rng: random.Random, word: str) -> str:
    """`word` with one letter changed, dropped or doubled (a did-you-mean case); never `word`."""
    if not word:
        return "x"
    while True:
        i = rng.randrange(len(word))
        how = rng.randrange(3)
        if how == 0:
            new = word[:i] + rng.choice("abcdefghijklmnopqrstuvwxyz") + word[i + 1:]
        elif how == 1 and len(word) > 1:
            new = word[:i] + word[i + 1:]
        else:
            new = word[:i] + word[i] + word[i:]
        if new != word:
            return new


def chinese(rng: random.Random, parts: int | None = None) -> str:
    return "".join(rng.choice(CHINESE) for _ in range(parts or rng.randint(1, 4)))


def odd_text(rng: random.Random) -> str:
    """A short piece of text that tends to trip up parsers and renderers."""
    pick = rng.random()
    if pick < 0.3:
        return rng.choice(ODD_UNICODE)
    if pick < 0.5:
        return rng.choice(FULL_WIDTH)
    if pick < 0.6:
        return rng.choice(PAYLOADS)
    if pick < 0.8:
        return "".join(chr(rng.choice((rng.randint(0x20, 0x7e), rng.randint(0x4e00, 0x9fff), rng.randint(0x80, 0x2fff),
                                       rng.randint(0x1f300, 0x1faff), rng.randint(0xe000, 0xf8ff))))
                       for _ in range(rng.randint(1, 6)))
    return chinese(rng)


def string_literal(rng: random.Random) -> str:
    """A STRING token: usually Chinese or English text, sometimes escapes, triple quotes,
    payloads, odd unicode or a very long text."""
    pick = rng.random()
    if pick < 0.1:  # written with escapes already
        return '"' + rng.choice(('say \\"hi\\"', "back\\\\slash", "tab\\tnew\\nline", "\\q unknown escape",
                                 "trailing \\\\", "{braces}", "# not a comment", "")) + '"'
    if pick < 0.5:
        content = chinese(rng)
    elif pick < 0.6:
        content = rng.choice(("Total output", "The leading industry", "See article 3", "x", "第1段"))
    elif pick < 0.78:
        content = chinese(rng, 1) + odd_text(rng) + chinese(rng, 1)
    elif pick < 0.9:
        content = rng.choice(PAYLOADS)
    else:
        content = rng.choice(("字", "a", "\n", "\U0001f680")) * rng.choice((1000, 5_000, 9_000))
    if rng.random() < 0.1 and '"' not in content:
        return '"""' + content + ("\n" + chinese(rng) if rng.random() < 0.5 else "") + '"""'
    return '"' + content.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# ============================================================== the grammar, compiled
@dataclass(frozen=True)
class Production:
    origin: str
    symbols: tuple[str, ...]
    alias: str | None


@dataclass
class Grammar:
    """grammar/policy.lark as Lark compiles it: plain productions and terminal patterns."""

    productions: dict[str, list[Production]]
    literals: dict[str, str]  # terminal name -> the text of a keyword or punctuation terminal
    patterns: dict[str, str]  # terminal name -> regex of the other terminals
    height: dict[str, int]  # nonterminal -> fewest levels to a terminal string

    @classmethod
    @cache
    def load(cls) -> "Grammar":
        from lark import Lark

        lark = Lark(GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr", maybe_placeholders=False)
        productions: dict[str, list[Production]] = {}
        for rule in lark.rules:
            productions.setdefault(rule.origin.name, []).append(
                Production(rule.origin.name, tuple(s.name for s in rule.expansion), rule.alias))
        literals = {t.name: t.pattern.value for t in lark.terminals if t.pattern.type == "str"}
        patterns = {t.name: t.pattern.value for t in lark.terminals if t.pattern.type != "str"}
        height: dict[str, int] = {}
        changed = True
        while changed:  # fixed point: a production's height is 1 + its highest symbol
            changed = False
            for origin, options in productions.items():
                for p in options:
                    if all(s not in productions or s in height for s in p.symbols):
                        h = 1 + max((height.get(s, 0) for s in p.symbols), default=0)
                        if h < height.get(origin, math.inf):
                            height[origin] = h
                            changed = True
        return cls(productions, literals, patterns, height)

    def terminates(self, p: Production) -> int:
        return 1 + max((self.height.get(s, 0) for s in p.symbols), default=0)

    @staticmethod
    def is_repetition(name: str) -> bool:
        """Lark's helper rules for `x*` / `x+` (left-recursive lists)."""
        return re.fullmatch(r"__\w+_(star|plus)_\d+", name) is not None


# ============================================================== random derivations
WEIGHTS: dict[tuple[str, str], float] = {
    # (rule, a symbol that picks the production out, or alias) -> weight; 1 otherwise
    ("start", "library_block"): 0.1,
    ("policy_block", "extends"): 0.2,
    ("criterion_field", "require"): 4, ("criterion_field", "kind"): 2, ("criterion_field", "article"): 2,
    ("condition", "any_of"): 0.5, ("and_cond", "all_of"): 0.6, ("not_cond", "negation"): 0.3,
    ("atom", "comparison"): 4, ("atom", "LPAR"): 0.7, ("atom", "flag"): 1.5,
    ("comparison", "window"): 3,
    ("measure", "indicator_value"): 3,
    ("_item", "criterion_block"): 5, ("_item", "example"): 1.5, ("_item", "override_block"): 0.4,
    ("_item", "drop"): 0.3, ("_item", "title_declaration"): 0.3, ("_item", "indicator_declaration"): 0.4,
}
STATUSES = ("met", "unmet", "unknown", "review")
VERDICTS = ("eligible", "ineligible", "undetermined")


@dataclass
class _State:
    """What the derivation so far has named, so later terminals can refer to it."""

    criteria: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    dimension: str | None = None  # of the measure whose threshold comes next
    target: str | None = None  # the expectation being written
    enterprise: int = 0


class PolicyGenerator:
    """Random policy texts from grammar/policy.lark (see the module docstring)."""

    def __init__(self, noise: float = 0.08):
        self.grammar = Grammar.load()
        self.names = names()
        self.noise = noise  # chance that a name is replaced by a wrong or random one
        self.used: set[Production] = set()  # productions taken so far (grammar coverage)

    # -- entry points ------------------------------------------------------------------
    def policy(self, rng: random.Random, max_depth: int | None = None) -> str:
        """A whole file: a derivation of `start`."""
        return self.derive(rng, "start", max_depth)

    def derive(self, rng: random.Random, symbol: str, max_depth: int | None = None,
               state: _State | None = None) -> str:
        """A random derivation of `symbol` (any rule or terminal of the grammar)."""
        tokens: list[tuple[str, str]] = []
        depth = max_depth if max_depth is not None else rng.choice((3, 6, 8, 10, 12, 16, 24))
        self._expand(rng, symbol, depth, state or _State(), [symbol], tokens)
        return self._join(rng, tokens)

    def embedded(self, rng: random.Random) -> str:
        """A valid policy header with derived pieces: criteria whose `require` is a
        derivation of `condition`, plus derived definitions, examples, clauses..."""
        state = _State()
        header = [f"policy fuzz-{rng.randint(1, 999)} {{", f'  title zh "{chinese(rng)}"', '  title en "Fuzz measure"',
                  f'  document "{rng.choice(("工信部企业〔2022〕119号", "苏工信规〔2023〕3号", "x"))}"',
                  f"  effective {rng.choice(('2020-01-01', '2022-06-30', '2023-03-15'))}"]
        if rng.random() < 0.3:
            header.append(f"  issuer {string_literal(rng)}")
        if rng.random() < 0.2:
            header.append(f"  validity {rng.randint(1, 5)} years")
        out = ["\n".join(header) + "\n}"]
        for _ in range(rng.randint(0, 2)):
            out.append(self.derive(rng, "define", 8, state))
        for n in range(rng.randint(1, 4)):
            cid = rng.choice(("output", "area", "sme-share", "growth", f"c{n}", "innovation", "compliance"))
            if cid in state.criteria:
                cid = f"{cid}-{n}"
            state.criteria.append(cid)
            kind = rng.choice(("hard", "hard", "hard", "soft"))
            state.dimension = None
            condition = self.derive(rng, "condition", rng.choice((2, 4, 6, 8, 12)), state)
            out.append(f'criterion {cid} {{\n  kind {kind}\n  article "第{n + 1}条"\n'
                       f"  text {string_literal(rng)}\n  require {condition}\n}}")
        for _ in range(rng.randint(0, 2)):
            out.append(self.derive(rng, rng.choice(("clause", "example", "example", "indicator_declaration",
                                                    "title_declaration", "_item")), 10, state))
        return "\n\n".join(out) + "\n"

    # -- the walk ----------------------------------------------------------------------
    def _expand(self, rng, symbol: str, depth: int, state: _State, context: list[str],
                out: list[tuple[str, str]], index: int = 0) -> None:
        grammar = self.grammar
        if symbol not in grammar.productions:
            out.append((symbol, self._terminal(rng, symbol, context, state, index)))
            return
        options = grammar.productions[symbol]
        if grammar.is_repetition(symbol):
            self._repeat(rng, symbol, options, depth, state, context, out)
            return
        production = self._choose(rng, symbol, options, depth, state)
        self.used.add(production)
        name = production.alias or symbol
        pushed = not symbol.startswith("_")  # _item and friends add no context of their own
        if pushed:
            context.append(name)
        if name in ("indicator_value", "share", "per_capita", "growth", "titled_count"):
            state.dimension = None
        for i, s in enumerate(production.symbols):
            self._expand(rng, s, depth - 1, state, context, out, i)
        if pushed:
            context.pop()

    def _repeat(self, rng, symbol, options, depth, state, context, out) -> None:
        base = [p for p in options if symbol not in p.symbols]
        again = [p for p in options if p.symbols[:1] == (symbol,)]
        count = 0 if depth <= 0 else rng.choices(range(9), (30, 25, 15, 10, 7, 5, 4, 2, 2))[0]
        first = rng.choice(base)
        self.used.add(first)
        for i, s in enumerate(first.symbols):
            self._expand(rng, s, depth - 1, state, context, out, i)
        for _ in range(count):
            more = rng.choice(again)
            self.used.add(more)
            for i, s in enumerate(more.symbols[1:]):
                self._expand(rng, s, depth - 1, state, context, out, i + 1)

    def _choose(self, rng, symbol: str, options: list[Production], depth: int, state: _State) -> Production:
        if depth <= 0:  # below the bound: only what terminates soonest
            least = min(self.grammar.terminates(p) for p in options)
            options = [p for p in options if self.grammar.terminates(p) == least]
        weights = []
        for p in options:
            w = 1.0
            for key in (p.alias, *p.symbols):
                w *= WEIGHTS.get((symbol, key), 1.0)
            if symbol == "example_value":  # a boolean datum is written true / false
                w *= 8 if ("BOOLEAN" in p.symbols) == (state.dimension == "boolean") else 1
            weights.append(w)
        return rng.choices(options, weights)[0]

    # -- terminals ---------------------------------------------------------------------
    def _terminal(self, rng, name: str, context: list[str], state: _State, index: int) -> str:
        """Text for terminal `name`, the `index`-th symbol of a production of context[-1]."""
        grammar = self.grammar
        if name in grammar.literals:
            return grammar.literals[name]
        where = context[-1] if context else ""
        make = getattr(self, f"_t_{name}", None)
        if make is None:
            raise KeyError(f"grammar_gen has no generator for terminal {name} (pattern "
                           f"{grammar.patterns.get(name)!r}); add a _t_{name} method")
        return make(rng, where, index, state)

    def _noisy(self, rng, value: str) -> str:
        if rng.random() >= self.noise:
            return value
        pick = rng.random()
        if pick < 0.4:
            return typo(rng, value)
        if pick < 0.7:
            return ident(rng)
        if pick < 0.8:
            return rng.choice(("requires", "kind_", "not", "and", "in", "of", "true", "verdict", "_", "A-b",
                               "__import__", "__class__", "self", "None", "os"))
        return "x" * rng.choice((255, 1000, 100_000))

    def _indicator(self, rng, state: _State, *dimensions: str, per_year: bool | None = None) -> str:
        pool = self.names.of(*dimensions, per_year=per_year) or list(self.names.indicators)
        name = rng.choice(pool)
        if state.definitions and rng.random() < 0.2 and "boolean" not in dimensions:
            name = rng.choice(state.definitions)
        state.dimension = self.names.indicators.get(name, ("money", True))[0]
        return self._noisy(rng, name)

    def _t_IDENT(self, rng, where: str, index: int, state: _State) -> str:
        n = self.names
        numeric = ("money", "count", "persons", "percent", "area")
        if where == "policy_block":
            return self._noisy(rng, rng.choice(("fuzz-one", "fuzz-2024", "jiangsu-2023-b", f"p{rng.randint(1, 99)}")))
        if where in ("extends", "supersedes"):
            return self._noisy(rng, rng.choice(n.policies))
        if where in ("library_block", "uses"):
            return self._noisy(rng, rng.choice(("shared", "common-defs", "lib")))
        if where == "criterion_block":
            cid = self._noisy(rng, rng.choice(n.criteria + ("c", "c-1", "extra")))
            state.criteria.append(cid)
            return cid
        if where in ("override_block", "drop") or (where == "datum_assessment" and index == 1):
            return self._noisy(rng, rng.choice(state.criteria or list(n.criteria)))
        if where == "datum_assessment":
            return self._noisy(rng, rng.choice(("met", "unmet")))
        if where == "define":
            name = self._noisy(rng, rng.choice(("my_share", "density", "out", "sme_share", "total_output")))
            state.definitions.append(name)
            return name
        if where == "indicator_value" or where == "datum_value" and index == 0:
            return self._indicator(rng, state, *numeric, *(("boolean",) if where == "datum_value" else ()))
        if where == "share":  # share of X in Y: same dimension, compared in percent
            name = self._indicator(rng, state, *((state.dimension,) if index == 4 else numeric))
            if index == 4:
                state.dimension = "percent"
            return name
        if where == "per_capita":  # X per N Y: the threshold is in X's unit
            if index == 3:
                return self._noisy(rng, rng.choice(n.of("persons") or ["employees"]))
            return self._indicator(rng, state, "money", "count")
        if where == "growth":
            name = self._indicator(rng, state, *numeric, per_year=True)
            state.dimension = "percent"
            return name
        if where == "counted_by":
            return self._indicator(rng, state, "count")
        if where == "flag":
            return self._indicator(rng, state, "boolean")
        if where == "recorded":
            return self._noisy(rng, rng.choice(("county", "province", "leading_industry")))
        if where == "indicator_declaration":
            return self._noisy(rng, rng.choice(("new_metric", "patents_per_firm", "total_output", "x1")))
        if where == "title_declaration":
            return self._noisy(rng, rng.choice(("gazelle", "little_giant", "unicorn")))
        if where == "unit":
            return self._noisy(rng, rng.choice(("CNY", "count", "percent", "km2", "persons", "boolean", "ratio")))
        if where in ("title_list", "titled_count"):
            state.dimension = "count"
            return self._noisy(rng, rng.choice(n.titles))
        if where == "incident_group":
            return self._noisy(rng, rng.choice(n.kinds))
        if where == "at_least":
            return self._noisy(rng, rng.choice(n.severities))
        if where == "datum_enterprise":
            state.enterprise += 1
            return self._noisy(rng, f"e{state.enterprise}")
        if where == "datum_incident":  # incident YEAR KIND SEVERITY
            return self._noisy(rng, rng.choice(n.kinds if index == 2 else n.severities))
        if where == "expectation":
            if index == 0:
                state.target = rng.choice([*state.criteria, "verdict"] if state.criteria else ["verdict", "output"])
                return self._noisy(rng, state.target)
            return self._noisy(rng, rng.choice(VERDICTS if state.target == "verdict" else STATUSES))
        return self._noisy(rng, ident(rng))

    def _t_STRING(self, rng, where, index, state) -> str:
        return string_literal(rng)

    def _t_NUMBER(self, rng, where, index, state) -> str:
        if rng.random() < 0.06:
            return rng.choice(HUGE_NUMBERS)
        if state.dimension == "percent":
            return rng.choice(("0", "10", "30", "50", "70", "100", "120", "0.5", "99.9"))
        return rng.choice(NUMBERS)

    def _t_INT(self, rng, where, index, state) -> str:
        if rng.random() < 0.05:
            return rng.choice(("0", "00", "9" * 30, "1" + "0" * 400, "2147483648", "99999", "1000000000"))
        if where == "example":
            return str(rng.choice((2023, 2024, 2024, 2025, 2026, 1990)))
        if where == "datum_value" or where == "datum_incident":
            return str(rng.choice((2020, 2021, 2022, 2023, 2024)))
        if where == "per_capita":
            return rng.choice(("10000", "100", "1", "0"))
        if where == "validity":
            return str(rng.randint(0, 5))
        return str(rng.choice((1, 2, 3, 3, 3, 5)))

    def _t_DATE(self, rng, where, index, state) -> str:
        return rng.choice(("2023-01-01", "2022-06-30", "2023-03-15", "2026-12-31", "2023-02-30", "0000-00-00",
                           "9999-12-31", "2023-13-01", "1900-02-29", "2024-02-29"))

    def _t_UNIT(self, rng, where, index, state) -> str:
        units = self.names.units
        if state.dimension in units and rng.random() > self.noise * 2:
            return rng.choice(units[state.dimension])
        pick = rng.random()
        if pick < 0.6:
            return rng.choice([s for spellings in units.values() for s in spellings])
        if pick < 0.8:
            return rng.choice(("％", "亿", "元/人", "km²", "💰", "\u202e%", "亿元\u200b", "美元", "yuan", "CNY2"))
        return ident(rng)

    def _t_COMPARATOR(self, rng, where, index, state) -> str:
        return rng.choice((">=", ">=", ">", "<=", "<", "="))

    def _t_LANG(self, rng, where, index, state) -> str:
        return rng.choice(("zh", "en"))

    def _t_KIND(self, rng, where, index, state) -> str:
        return rng.choice(("hard", "hard", "soft", "qualitative"))

    def _t_BOOLEAN(self, rng, where, index, state) -> str:
        return rng.choice(("true", "false"))

    # -- layout ------------------------------------------------------------------------
    def _join(self, rng, tokens: list[tuple[str, str]]) -> str:
        out: list[str] = []
        previous = ""
        for kind, text in tokens:
            if out:
                if kind == "UNIT" and previous == "NUMBER":
                    sep = "" if (not text.isascii() or text == "%") and rng.random() < 0.8 else " "
                elif previous == "LBRACE" or kind == "RBRACE" or (kind in ("CRITERION", "EXAMPLE") and
                                                                    rng.random() < 0.9):
                    sep = "\n" + "  " * rng.randint(0, 2)
                else:
                    r = rng.random()
                    sep = " " if r < 0.85 else "\n  " if r < 0.93 else "\t" if r < 0.96 else \
                        "  # " + chinese(rng, 1) + "\n" if r < 0.99 else "\r\n"
                out.append(sep)
            out.append(text)
            previous = kind
        return "".join(out) + "\n"


# ============================================================== mutators
_TOKEN = re.compile(r'"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*|\d[\d_.]*|>=|<=|\S')


@dataclass
class Mutant:
    data: bytes
    how: list[str]

    @property
    def description(self) -> str:
        return "; ".join(self.how)


def _spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text)]


def mutate_text(rng: random.Random, text: str, how: list[str]) -> str:
    """One format-blind change of `text` (a token, a line, inserted text, a number...)."""
    ops = ("delete_token", "duplicate_token", "swap_lines", "insert_unicode", "insert_payload", "huge_number",
           "long_identifier", "long_string", "delete_line", "duplicate_line", "replace_token", "crlf")
    op = rng.choice(ops)
    spans = _spans(text)
    if not spans:
        return text + odd_text(rng)
    a, b = rng.choice(spans)
    if op == "delete_token":
        how.append(f"delete token {text[a:b][:30]!r} at {a}")
        return text[:a] + text[b:]
    if op == "duplicate_token":
        how.append(f"duplicate token {text[a:b][:30]!r} at {a}")
        return text[:b] + " " + text[a:b] + text[b:]
    if op == "replace_token":
        new = rng.choice((ident(rng), rng.choice(FULL_WIDTH), "{", "}", "(", ")", '"', ",", ":", "=", "0", "-1",
                          "\"\"\"", "#", "true", "not", "and", "or"))
        how.append(f"replace token {text[a:b][:30]!r} at {a} by {new!r}")
        return text[:a] + new + text[b:]
    lines = text.split("\n")
    if op in ("swap_lines", "delete_line", "duplicate_line") and len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        if op == "swap_lines":
            how.append(f"swap lines {i + 1} and {j + 1}")
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "delete_line":
            how.append(f"delete line {i + 1}")
            del lines[i]
        else:
            how.append(f"duplicate line {i + 1}")
            lines.insert(i, lines[i])
        return "\n".join(lines)
    if op == "crlf":
        how.append("CRLF line ends")
        return text.replace("\n", "\r\n")
    position = rng.choice((a, b, rng.randint(0, len(text))))
    if op == "insert_payload":
        payload = rng.choice(PAYLOADS)
        how.append(f"insert payload {payload!r} at {position}")
        return text[:position] + payload + text[position:]
    if op == "huge_number":
        numbers = [m.span() for m in re.finditer(r"\d[\d_.]*", text)]
        new = rng.choice(HUGE_NUMBERS)
        if numbers:
            a, b = rng.choice(numbers)
            how.append(f"replace number {text[a:b][:20]!r} at {a} by a {len(new)}-character number")
            return text[:a] + new + text[b:]
        how.append(f"insert a {len(new)}-character number at {position}")
        return text[:position] + new + text[position:]
    if op == "long_identifier":
        idents = [m.span() for m in re.finditer(r"[A-Za-z_][\w-]*", text)]
        new = rng.choice(("a", "x_", "Ab-")) * rng.choice((100, 10_000, 300_000))
        if idents:
            a, b = rng.choice(idents)
            how.append(f"replace identifier {text[a:b][:20]!r} at {a} by a {len(new)}-character one")
            return text[:a] + new + text[b:]
    if op == "long_string":
        new = '"' + rng.choice(("字", "a", "\\\"", "\U0001f680")) * rng.choice((1000, 4_000, 9_000)) + '"'
        how.append(f"insert a {len(new)}-character string at {position}")
        return text[:position] + new + text[position:]
    piece = "".join(odd_text(rng) for _ in range(rng.randint(1, 3)))
    how.append(f"insert {piece[:60]!r} at {position}")
    return text[:position] + piece + text[position:]


def mutate_bytes(rng: random.Random, data: bytes, how: list[str]) -> bytes:
    """One change below the text level: truncation, invalid UTF-8, another encoding, a BOM,
    random bytes."""
    op = rng.choice(("truncate", "invalid_utf8", "invalid_utf8", "encoding", "bom", "random_bytes", "nul"))
    position = rng.randint(0, len(data))
    if op == "truncate":
        how.append(f"truncate at byte {position} of {len(data)}")
        return data[:position]
    if op == "invalid_utf8":
        bad = rng.choice(INVALID_UTF8)
        how.append(f"insert bytes {bad!r} at byte {position}")
        return data[:position] + bad + data[position:]
    if op == "encoding":
        encoding = rng.choice(("gbk", "gb18030", "utf-16", "utf-16-le", "utf-32", "big5", "latin-1"))
        how.append(f"re-encode as {encoding}")
        return data.decode("utf-8", "replace").encode(encoding, "replace")
    if op == "bom":
        bom = rng.choice((codecs.BOM_UTF8, codecs.BOM_UTF8 * 2, codecs.BOM_UTF16_LE, "\ufeff".encode()))
        how.append(f"prepend BOM {bom!r}")
        return bom + data
    if op == "nul":
        how.append(f"insert NUL bytes at byte {position}")
        return data[:position] + b"\x00" * rng.randint(1, 4) + data[position:]
    junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    how.append(f"insert random bytes {junk!r} at byte {position}")
    return data[:position] + junk + data[position:]


def deep_nesting(rng: random.Random, text: str, how: list[str]) -> str:
    """The condition of one `require` wrapped in 1,000 parentheses (or other deep nesting)."""
    requires = list(re.finditer(r"require ([^\n]+)", text))
    if not requires:
        return text
    m = rng.choice(requires)
    condition = m.group(1)
    depth = rng.choice((1000, 1000, 5000, 100))
    style = rng.choice(("parens", "parens-and", "not-chain", "not-pairs", "or-chain", "unbalanced"))
    if style == "parens":
        new = "(" * depth + condition + ")" * depth
    elif style == "parens-and":
        new = "(" * depth + condition + (" and " + condition + ")") * depth
    elif style == "not-chain":
        new = "not " * depth + condition
    elif style == "not-pairs":
        new = "(not (not " * (depth // 2) + condition + "))" * (depth // 2)
    elif style == "or-chain":  # flat, but long: 1,000 alternatives
        new = " or ".join([condition] * depth)
    else:
        new = "(" * depth + condition + ")" * (depth - rng.randint(1, 5))
    how.append(f"nest the condition at {m.start(1)} ({style}, depth {depth})")
    return text[:m.start(1)] + new + text[m.end(1):]


TEN_MB = 10 * 1024 * 1024


def mutate_policy(rng: random.Random, text: str | None = None) -> Mutant:
    """A shipped policy (random one unless `text`), damaged by 1-3 mutations."""
    how: list[str] = []
    if text is None:
        path = rng.choice(POLICY_FILES)
        text = path.read_text(encoding="utf-8")
        how.append(f"from {path.name}")
    pick = rng.random()
    if pick < 0.04:
        filler = rng.choice(("# " + "字" * 60 + "\n", "clause \"x\"\n", " " * 80 + "\n"))
        data = (text + filler * (TEN_MB // len(filler.encode()) + 1)).encode("utf-8")
        how.append(f"pad to {len(data):,} bytes with {filler[:12]!r}...")
        return Mutant(data, how)
    if pick < 0.12:
        text = deep_nesting(rng, text, how)
    for _ in range(rng.choice((1, 1, 2, 3))):
        text = mutate_text(rng, text, how)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.25:
        data = mutate_bytes(rng, data, how)
    return Mutant(data, how)


# ============================================================== diagnostics: located?
def decode_for_positions(data: bytes) -> str:
    """The text the way policykb numbers lines and columns: UTF-8, BOM stripped."""
    text = data.decode("utf-8", "replace")
    return text[1:] if text.startswith("\ufeff") else text


def location_problems(diagnostics: Iterable[Any], files: dict[str, bytes], *,
                      require_file: bool = True) -> list[str]:
    """What is wrong with the locations of `diagnostics` (dicts or Diagnostics) against
    the bytes of `files` (path -> bytes; other existing files are read from disk).

    A diagnostic must name a file; its line must lie within the file, its column (when a
    number) within that line (1-based, one past the end allowed); a column without a line
    is wrong. A file that is not valid UTF-8 must be reported at its first bad byte, by
    line and character column."""
    problems = []
    for d in diagnostics:
        d = d if isinstance(d, dict) else dataclasses.asdict(d)
        file, line, column, message = d.get("file"), d.get("line"), d.get("column"), d.get("message", "")
        shown = f"{file}:{line}:{column}: {message[:120]!r}"
        if not file:
            if require_file:
                problems.append(f"diagnostic names no file: {shown}")
            continue
        data = files.get(file)
        if data is None:
            path = Path(file)
            if not path.exists():
                problems.append(f"diagnostic names a file that does not exist: {shown}")
                continue
            data = path.read_bytes() if path.is_file() else b""
        if line is None:
            if column is not None:
                problems.append(f"column without a line: {shown}")
            continue
        text = decode_for_positions(data)
        lines = text.split("\n")
        if not isinstance(line, int) or not 1 <= line <= len(lines):
            problems.append(f"line outside the file ({len(lines)} lines): {shown}")
            continue
        if isinstance(column, int) and not 1 <= column <= len(lines[line - 1]) + 1:
            problems.append(f"column outside line {line} ({len(lines[line - 1])} characters): {shown}")
        if "not valid UTF-8" in message:
            expected = first_invalid_utf8(data)
            if expected is not None and (line, column if column is not None else expected[1]) != expected:
                problems.append(f"invalid UTF-8 reported at {line}:{column}, the first bad byte is at "
                                f"{expected[0]}:{expected[1]} (line:character column): {shown}")
    return problems


def first_invalid_utf8(data: bytes) -> tuple[int, int] | None:
    """(line, character column) of the first byte that is not UTF-8; None if all is."""
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as error:
        start = data.rfind(b"\n", 0, error.start) + 1
        prefix = data[start:error.start].decode("utf-8")
        if start == 0 and prefix.startswith("\ufeff"):
            prefix = prefix[1:]
        return data.count(b"\n", 0, error.start) + 1, len(prefix) + 1


# ============================================================== inputs left out (known bugs)
# Each entry is a class of inputs that hits a bug reported (with a minimal reproducer) in
# the report of the fuzzing issue. The fuzz loops draw such inputs, count them as "left
# out" and do not run them, so the suite stays green while asserting on everything else.
# Delete an entry once its bug is fixed; POLICYKB_FUZZ_LEFT_OUT=none runs them all (to
# check a fix, or to see the known bugs again). The predicates read only the input: no
# policykb code runs in the test process.
LEFT_OUT_ENABLED = os.environ.get("POLICYKB_FUZZ_LEFT_OUT", "").lower() not in ("none", "0", "no", "off")
LEFT_OUT: dict[str, tuple[str, Callable[..., bool]]] = {
    # name: (input kind, predicate); none open. Kinds: "policy" (data), "policy-test" (data),
    # "csv" (folder), "turtle" (data), "turtle-add" (data, source, base), "turtle-cli" (data).
}


def left_out(kind: str, *args) -> str | None:
    """The name of the known bug input `args` (of `kind`) hits, if any (see LEFT_OUT)."""
    if not LEFT_OUT_ENABLED:
        return None
    for name, (of, predicate) in LEFT_OUT.items():
        if of == kind and predicate(*args):
            return name
    return None


# ============================================================== the watchdog
@dataclass
class Outcome:
    """What became of one input in a worker."""

    status: str  # "ok", "rejected" (PolicyKBError), "crash", "hang", "died"
    value: Any = None  # ok: the job's return value; rejected: diagnostics as dicts
    error: str = ""  # crash: "Type: message"
    trace: str = ""
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.status in ("crash", "hang", "died")

    def describe(self) -> str:
        if self.status == "crash":
            where = [line for line in self.trace.splitlines() if line.startswith("  File ")][-3:]
            return f"crash {self.error}\n" + "\n".join(where)
        if self.status == "hang":
            return f"hang: no answer within {self.seconds:.1f} s"
        if self.status == "died":
            return f"worker died: {self.error}"
        return self.status


def _worker_main(conn, memory_mb: int, paths: list[str]) -> None:  # pragma: no cover - in a child
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    if memory_mb:
        try:
            import resource

            limit = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    from policykb.errors import PolicyKBError

    functions: dict[str, Callable] = {}
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        ref, args = message
        start = time.perf_counter()
        try:
            if ref not in functions:
                module, name = ref.split(":")
                functions[ref] = getattr(importlib.import_module(module), name)
            result: tuple = ("ok", functions[ref](*args))
        except PolicyKBError as error:
            result = ("rejected", [dataclasses.asdict(d) for d in error.diagnostics])
        except KeyboardInterrupt:
            raise
        except BaseException as error:  # noqa: BLE001 - every other exception is a finding
            result = ("crash", f"{type(error).__name__}: {str(error)[:500]}", traceback.format_exc()[-6000:])
        try:
            conn.send((*result, time.perf_counter() - start))
        except Exception as error:  # an unpicklable result is a finding of the harness
            conn.send(("crash", f"unpicklable result: {error}", "", time.perf_counter() - start))


class _Worker:
    def __init__(self, context) -> None:
        self.conn, child = context.Pipe()
        paths = [str(FUZZ_DIR), str(SRC), str(ROOT / "tests")]
        self.process = context.Process(target=_worker_main, args=(child, MEMORY_MB, paths), daemon=True,
                                       name="policykb-fuzz-worker")
        self.process.start()
        child.close()
        self.started: float | None = None

    def send(self, ref: str, args: tuple) -> None:
        self.conn.send((ref, args))
        self.started = time.monotonic()

    def receive(self) -> Outcome:
        try:
            status, *rest = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            return Outcome("died", error=f"exit code {self.process.exitcode}",
                           seconds=time.monotonic() - (self.started or time.monotonic()))
        finally:
            self.started = None
        seconds = rest[-1]
        if status == "ok":
            return Outcome("ok", value=rest[0], seconds=seconds)
        if status == "rejected":
            return Outcome("rejected", value=rest[0], seconds=seconds)
        return Outcome("crash", error=rest[0], trace=rest[1], seconds=seconds)

    def kill(self) -> None:
        """End this worker (a process this pool started), by its own handle."""
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class WorkerPool:
    """Worker processes (spawned: a clean interpreter, no inherited threads) that run
    `module:function` jobs with a timeout each; see the module docstring."""

    def __init__(self, size: int = 1, timeout: float = TIMEOUT, warm: tuple[str, tuple] | None = None):
        self.context = multiprocessing.get_context("spawn")
        self.timeout = timeout
        self.warm = warm
        self.workers = [self._new() for _ in range(max(1, size))]

    def _new(self) -> _Worker:
        worker = _Worker(self.context)
        if self.warm:  # e.g. load the vocabulary once, before any timed input
            worker.send(*self.warm)
            outcome = worker.receive()
            if outcome.status != "ok":
                raise RuntimeError(f"fuzz worker failed to start: {outcome.describe()}")
        return worker

    def run(self, ref: str, *args, timeout: float | None = None) -> Outcome:
        """Run one job on the first worker and wait for it (at most `timeout` seconds)."""
        return next(self.map([(0, ref, args)], timeout=timeout))[1]

    def map(self, jobs: Iterable[tuple[Any, str, tuple]], timeout: float | None = None) -> Iterator[tuple[Any, Outcome]]:
        """Run `jobs`, (key, "module:function", args) each, on all workers; yield (key,
        outcome) as each one ends."""
        limit = timeout or self.timeout
        queue = iter((key, (ref, args)) for key, ref, args in jobs)
        busy: dict[int, int] = {}  # worker slot -> job index
        done = False
        while True:
            for slot in range(len(self.workers)):
                if slot not in busy and not done:
                    job = next(queue, None)
                    if job is None:
                        done = True
                        break
                    index, (ref, args) = job
                    self.workers[slot].send(ref, args)
                    busy[slot] = index
            if not busy:
                return
            now = time.monotonic()
            deadline = min(self.workers[s].started + limit for s in busy)
            ready = wait_for([self.workers[s].conn for s in busy], timeout=max(0.0, deadline - now))
            for slot in list(busy):
                worker = self.workers[slot]
                if worker.conn in ready:
                    outcome = worker.receive()
                    if outcome.status == "died":
                        self.workers[slot] = self._new()
                    yield busy.pop(slot), outcome
                elif time.monotonic() >= worker.started + limit:
                    seconds = time.monotonic() - worker.started
                    worker.kill()
                    self.workers[slot] = self._new()
                    yield busy.pop(slot), Outcome("hang", seconds=seconds)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()


# ============================================================== counting
PUBLISHED: list[str] = []  # summary lines of the running test, see conftest.py


def publish(line: str) -> None:
    """Print a summary line and hand it to conftest.py, which shows it at the end of the run
    (pytest captures print() unless -s; xdist workers pass it on with the test report)."""
    print("\n" + line.lstrip("\n"))
    PUBLISHED.append(line.strip())


@dataclass
class Tally:
    """Counts of one fuzz test, printed as its summary line."""

    name: str
    inputs: int = 0
    accepted: int = 0
    rejected: int = 0
    failures: list[str] = field(default_factory=list)
    accepted_word: str = "loaded"
    started: float = field(default_factory=time.monotonic)
    slowest: float = 0.0
    left_out: dict[str, int] = field(default_factory=dict)  # known bug -> inputs not run

    def leave_out(self, bug: str) -> None:
        self.left_out[bug] = self.left_out.get(bug, 0) + 1

    def add(self, outcome: Outcome, problems: list[str], what: str) -> None:
        self.inputs += 1
        self.slowest = max(self.slowest, outcome.seconds)
        if outcome.status == "ok":
            self.accepted += 1
        elif outcome.status == "rejected":
            self.rejected += 1
        if outcome.failed:
            problems = [outcome.describe(), *problems]
        if problems:
            self.failures.append(f"{what}\n    " + "\n    ".join(p.replace("\n", "\n    ") for p in problems))

    def summary(self) -> str:
        left = ""
        if self.left_out:
            left = f"; {sum(self.left_out.values())} left out (known bugs: " + ", ".join(
                f"{bug} {n}" for bug, n in sorted(self.left_out.items())) + ")"
        return (f"fuzz {self.name}: {self.inputs} inputs, {self.accepted} {self.accepted_word}, "
                f"{self.rejected} rejected, {len(self.failures)} failures "
                f"({time.monotonic() - self.started:.1f} s, slowest input {self.slowest:.2f} s){left}")

    def report(self) -> str:
        publish(self.summary())
        for failure in self.failures[:20]:
            print("  FAILURE " + failure)
        return self.summary() + "".join("\n  " + f for f in self.failures[:20])


def cli_job(argv: list[str]) -> tuple[int, str]:
    """Worker job: the command line, stdout and stderr captured (log records too)."""
    import contextlib
    import io

    from policykb.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        try:
            status = main(argv)
        except SystemExit as exit_:  # argparse: a malformed command line
            status = exit_.code if isinstance(exit_.code, int) else 2
    return status, out.getvalue()


def cli_problems(outcome: Outcome) -> list[str]:
    """A command line run must end with exit status 0 or 1 and print no traceback."""
    problems = []
    if outcome.status == "ok":
        status, output = outcome.value
        if status not in (0, 1):
            problems.append(f"exit status {status}: {output[-1500:]}")
        if "Traceback" in output:
            problems.append(f"a traceback in the output: {output[-1500:]}")
    elif outcome.status == "rejected":
        problems.append("a PolicyKBError escaped from cli.main")
    if pwned():
        problems.append(f"a payload ran: {PWNED} exists")
    return problems


def quiet_rdflib():
    """rdflib logs (with tracebacks) every ill-typed literal it reads; while a library job
    runs, keep that off the test output (command line jobs keep it: a user would see it)."""
    import contextlib
    import logging

    @contextlib.contextmanager
    def quiet():
        logger = logging.getLogger("rdflib")
        level = logger.level
        logger.setLevel(logging.CRITICAL)
        try:
            yield
        finally:
            logger.setLevel(level)

    return quiet()


def pwned() -> bool:
    return PWNED.exists()


FAILURES = Path(os.environ.get("POLICYKB_FUZZ_FAILURES", Path(tempfile.gettempdir()) / "policykb-fuzz-failures"))


def keep_failure(name: str, data: bytes | None = None, folder: Path | None = None) -> Path:
    """Copy a failing input (bytes, or a whole folder) to FAILURES/name; return where."""
    import shutil

    target = FAILURES / name
    FAILURES.mkdir(parents=True, exist_ok=True)
    if folder is not None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target)
    else:
        target.write_bytes(data or b"")
    return target


_PRISTINE: dict[str, tuple] = {}


def fresh_graph(kb: Path | None = None):
    """A KnowledgeGraph as `KnowledgeGraph.open(kb)` gives it, and its fingerprint. The
    first one per kb is opened; later ones are built from a copy of its triples (opening
    parses the Turtle files again, ~0.4 s; copying takes ~10 ms)."""
    from policykb.graph.store import KnowledgeGraph
    from policykb.graph.turtle import new_graph

    key = str(kb)
    if key not in _PRISTINE:
        kg = KnowledgeGraph.open(kb=kb)
        _PRISTINE[key] = (tuple(kg.graph), graph_fingerprint(kg))
        return kg, _PRISTINE[key][1]
    triples, fingerprint = _PRISTINE[key]
    graph = new_graph()
    graph.addN((s, p, o, graph) for s, p, o in triples)
    return KnowledgeGraph(graph), fingerprint


def graph_fingerprint(kg) -> tuple[int, str]:
    """(number of triples, hash of the sorted triples) of a KnowledgeGraph."""
    import hashlib

    triples = sorted(f"{s.n3()} {p.n3()} {o.n3()}" for s, p, o in kg.graph)
    return len(triples), hashlib.sha256("\n".join(triples).encode("utf-8", "surrogatepass")).hexdigest()


def hypothesis_settings(plain_examples: int):
    """The one hypothesis profile of the fuzzers: a tenth of the plain loop's inputs (at
    least 10), reproducible, no shrinking (each input runs in a worker process)."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(derandomize=True, deadline=2000, max_examples=max(10, plain_examples // 10), database=None,
                    phases=(Phase.explicit, Phase.generate), suppress_health_check=list(HealthCheck))
