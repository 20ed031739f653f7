"""Fuzzing the policy language: random and damaged policy files never get past policykb
as anything but a located PolicyKBError.

Every input (a derivation of grammar/policy.lark, a policy header with derived
conditions, or a shipped policy damaged by grammar_gen.mutate_policy) is written to a
file and loaded in a worker process with `load_policy` (parse + resolve + check). It
must either load or raise PolicyKBError whose every diagnostic names a file, with line
and column inside that file (or no line: a file-level problem). Any other exception, a
worker that dies, or an input that takes longer than the watchdog allows is a failure.
A sample also goes through the command line (`policykb lint`, and `policykb test` for
loaded policies with examples): no traceback, exit status 0 or 1. No payload such as
`__import__('os').system('touch /tmp/policykb-pwned-XYZ')` may ever take effect.

Run:    PYTHONPATH= python -m pytest tests/fuzz -q -s
Longer: POLICYKB_FUZZ_EXAMPLES=5000 PYTHONPATH= python -m pytest tests/fuzz -q -s

Environment:
  POLICYKB_FUZZ_EXAMPLES   inputs per plain loop (default 200 here, 200 CSV folders, 120
                           Turtle files: the fuzz suite takes well under 60 s on 2 cores);
                           the hypothesis tests take a tenth of it, the command-line
                           samples scale with it. 5000 is a good longer run.
  POLICYKB_FUZZ_TIMEOUT    seconds an input may take before it counts as a hang (default 10;
                           the hypothesis tests also have a 2 s deadline per input)
  POLICYKB_FUZZ_WORKERS    worker processes of the plain loops (default 2)
  POLICYKB_FUZZ_MEMORY_MB  address-space limit of a worker (default 3072)
  POLICYKB_FUZZ_FAILURES   folder where failing inputs are copied (default: a temp folder)
  POLICYKB_FUZZ_LEFT_OUT   "none" also runs the inputs left out for known bugs
                           (grammar_gen.LEFT_OUT), e.g. to check a fix

A failure names the seed of its input (`Random("policies:17")` in make_input reproduces it)
and where the input was copied.

Each test prints a summary line, e.g.
  fuzz policies: 300 inputs, 61 loaded, 239 rejected, 0 failures (12.3 s, slowest input 0.41 s)
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import grammar_gen as gen
from grammar_gen import Mutant, Outcome, Tally, WorkerPool, examples, location_problems, scaled

PLAIN_EXAMPLES = examples(200)
LINT_SAMPLE = scaled(8, 200)
TEST_SAMPLE = scaled(2, 200)
CLI_TIMEOUT = max(gen.TIMEOUT, 30.0)  # `policykb test` evaluates examples with the engine
ME = "test_fuzz_policies"
# Hypothesis: derandomized, 2 s per input, no shrinking (inputs come from a Random, which
# does not shrink usefully; the failing input is kept on disk instead).
HYPOTHESIS = gen.hypothesis_settings(PLAIN_EXAMPLES)


# ============================================================== jobs (run in a worker)
@cache
def _vocabulary():
    from policykb.graph.store import KnowledgeGraph

    return KnowledgeGraph.open().vocabulary()


def warm() -> bool:
    from policykb.language.parser import parse_file

    _vocabulary()
    parse_file(gen.POLICY_FILES[0])
    return True


def load_job(path: str, with_context: bool) -> dict:
    """load_policy on `path`; the shipped policies are the context when it extends one."""
    from policykb import resources
    from policykb.language.loader import load_policy

    context = [resources.policies_dir()] if with_context else []
    policy, _ = load_policy(Path(path), _vocabulary(), context)
    return {"id": policy.id, "examples": len(policy.examples)}


# ============================================================== inputs
@cache
def _generator() -> gen.PolicyGenerator:
    return gen.PolicyGenerator()


def make_input(rng: random.Random, source: str | None = None) -> Mutant:
    """One fuzz input: from the grammar, a header with derived parts, or a damaged shipped policy."""
    source = source or rng.choices(("grammar", "embedded", "mutant"), (3, 3, 4))[0]
    if source == "grammar":
        text = _generator().policy(rng)
        mutant = Mutant(text.encode("utf-8", "surrogatepass"), ["derived from start"])
    elif source == "embedded":
        text = _generator().embedded(rng)
        mutant = Mutant(text.encode("utf-8", "surrogatepass"), ["header with derived conditions"])
    else:
        return gen.mutate_policy(rng)
    if rng.random() < 0.15:  # a generated text can be damaged too
        mutant = gen.mutate_policy(rng, text)
        mutant.how.insert(0, f"{source} text, then")
    return mutant


def needs_context(data: bytes) -> bool:
    """Resolve against the shipped policies only when the input extends one (parsing them
    for every input would triple the cost of the suite)."""
    return re.search(rb"\bextends\b", data) is not None


# ============================================================== checks
def judge(outcome: Outcome, path: Path, data: bytes) -> list[str]:
    """What is wrong with the outcome of loading `data` (written at `path`)."""
    problems = []
    if outcome.status == "rejected":
        if not outcome.value:
            problems.append("PolicyKBError without diagnostics")
        problems += location_problems(outcome.value, {str(path): data})
    if gen.pwned():
        problems.append(f"a payload ran: {gen.PWNED} exists")
    return problems


# ============================================================== fixtures
@pytest.fixture(scope="module")
def pool():
    if gen.pwned():
        gen.PWNED.unlink()  # left over by an earlier run that failed; this run starts clean
    workers = WorkerPool(size=gen.WORKERS, warm=(f"{ME}:warm", ()))
    yield workers
    workers.close()
    assert not gen.pwned(), f"a payload ran: {gen.PWNED} exists"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-policies")


# ============================================================== tests
def test_fuzz_policies(pool, workdir):
    """The plain loop: PLAIN_EXAMPLES inputs, each from a seed of its own, on all workers;
    then the command line on a sample."""
    tally = Tally("policies")
    pending: dict[int, tuple[Path, Mutant]] = {}
    loaded: list[tuple[Path, bytes, int]] = []
    rejected: list[tuple[Path, bytes, int]] = []

    def jobs():
        for n in range(PLAIN_EXAMPLES):
            mutant = make_input(random.Random(f"policies:{n}"))
            bug = gen.left_out("policy", mutant.data)
            if bug:
                tally.leave_out(bug)
                continue
            path = workdir / f"in-{n}.policy"
            path.write_bytes(mutant.data)
            pending[n] = (path, mutant)
            yield n, f"{ME}:load_job", (str(path), needs_context(mutant.data))

    for n, outcome in pool.map(jobs()):
        path, mutant = pending.pop(n)
        problems = judge(outcome, path, mutant.data)
        what = f"seed 'policies:{n}' ({mutant.description[:300]})"
        if problems or outcome.failed:
            what += f"; input kept at {gen.keep_failure(f'policies-{n}.policy', mutant.data)}"
        tally.add(outcome, problems, what)
        sample = loaded if outcome.status == "ok" else rejected
        if len(mutant.data) < 1_000_000 and len(sample) < 200:
            sample.append((path, mutant.data, outcome.value["examples"] if outcome.status == "ok" else 0))
        else:
            path.unlink()

    cli = cli_sample(pool, tally, loaded, rejected)
    report = tally.report()
    gen.publish(cli)
    assert not tally.failures, report


def cli_sample(pool: WorkerPool, tally: Tally, loaded, rejected) -> str:
    """`policykb lint` on a sample of loaded and rejected inputs, `policykb test` on loaded
    ones with examples: no traceback, exit status 0 or 1."""
    rng = random.Random("policies:cli")
    lint = rng.sample(loaded, min(len(loaded), LINT_SAMPLE // 2))
    lint += rng.sample(rejected, min(len(rejected), LINT_SAMPLE - len(lint)))
    with_examples = []
    for path, data, count in loaded:
        bug = gen.left_out("policy-test", data) if count else None
        if bug:
            tally.leave_out(bug)
        elif count:
            with_examples.append((path, data, count))
    runs = [("lint", path, data) for path, data, _ in lint]
    runs += [("test", path, data) for path, data, _ in rng.sample(with_examples, min(len(with_examples), TEST_SAMPLE))]
    statuses = {"lint": [0, 0], "test": [0, 0]}
    for command, path, data in runs:
        outcome = pool.run("grammar_gen:cli_job", [command, str(path)], timeout=CLI_TIMEOUT)
        problems = gen.cli_problems(outcome)
        if outcome.status == "ok":
            statuses[command][outcome.value[0] != 0] += 1
        if problems or outcome.failed:
            kept = gen.keep_failure(f"cli-{command}-{path.name}", data)
            tally.failures.append(f"policykb {command} {kept}\n    " + "\n    ".join(
                [outcome.describe()] * outcome.failed + problems))
    return (f"fuzz policies (command line): lint on {sum(statuses['lint'])} inputs "
            f"({statuses['lint'][0]} exit 0, {statuses['lint'][1]} exit 1), test on {sum(statuses['test'])} "
            f"({statuses['test'][0]} all examples passed, {statuses['test'][1]} with failed examples)")


def test_fuzz_policies_hypothesis(pool, workdir):
    """The same property under hypothesis (derandomized; deadline 2 s per input)."""
    tally = Tally("policies (hypothesis)")
    counter = iter(range(10**9))

    @HYPOTHESIS
    @given(rng=st.randoms(use_true_random=False), source=st.sampled_from(("grammar", "embedded", "mutant")))
    def one(rng, source):
        mutant = make_input(rng, source)
        bug = gen.left_out("policy", mutant.data)
        if bug:
            tally.leave_out(bug)
        assume(bug is None)
        path = workdir / f"h-{next(counter)}.policy"
        path.write_bytes(mutant.data)
        outcome = pool.run(f"{ME}:load_job", str(path), needs_context(mutant.data))
        problems = judge(outcome, path, mutant.data)
        tally.add(outcome, problems, mutant.description[:300])
        if problems or outcome.failed:
            kept = gen.keep_failure(f"policies-{path.name}", mutant.data)
            raise AssertionError(f"{outcome.describe()} {problems}; input kept at {kept}")
        path.unlink()

    try:
        one()
    finally:
        gen.publish(tally.summary())


def test_hostile_policies(pool, workdir):
    """A fixed list of inputs each run must get right, whatever the seeds give."""
    header = gen.POLICY_FILES[0].read_text(encoding="utf-8").split("\ncriterion")[0]

    def body(require: str) -> str:
        return header + f'\ncriterion c {{\n  kind hard\n  article "1"\n  require {require}\n}}\n'

    cases = {
        "1000 parentheses": body("(" * 1000 + "pillar_industry" + ")" * 1000),
        "unbalanced parentheses": body("(" * 1000 + "pillar_industry"),
        "1000 not": body("not " * 1000 + "pillar_industry"),
        "1000 (not": body("(not " * 1000 + "pillar_industry" + ")" * 1000),
        "1000 nested and": body("(pillar_industry and " * 1000 + "key_chain" + ")" * 1000),
        "5000 or": body(" or ".join(["pillar_industry"] * 5000)),
        "10**400 threshold": body("total_output >= 1" + "0" * 400 + " CNY in the latest year"),
        "1e308-like threshold": body("total_output >= 17976931348623157" + "0" * 292 + " CNY in the latest year"),
        "0.000...1 threshold": body("cloud_adoption >= 0." + "0" * 400 + "1% in the latest year"),
        "5000-digit threshold": body("total_output >= 1" + "0" * 5000 + " CNY in the latest year"),
        "long identifier": body("x" * 300_000),
        "long string": header.replace('title en "', 'title en "' + "字" * 19_000),
        "NUL": body("pillar_industry\x00"),
        "RTL override": body("pillar_industry \u202e and key_chain"),
        "full-width operator": body("area_km2 ≤ 100 km2"),
        "emoji unit": body("area_km2 <= 100 🚀"),
        "payload in a string": header.replace('title en "', f'title en "{gen.PAYLOADS[0]}'),
        "payload raw": body(gen.PAYLOADS[0]),
        "empty": "",
        "only a BOM": "\ufeff",
        "10 MB": header + "#" * gen.TEN_MB,
    }
    raw = {
        "invalid UTF-8 after ASCII": header.encode() + b"\n# \xff\n",
        "GBK": header.encode("gbk", "replace"),
        "UTF-16": header.encode("utf-16"),
        "truncated inside a character": header.encode()[: header.encode().index("集".encode()) + 1],
        "overlong NUL": header.encode() + b"\n\xc0\x80\n",
    }
    tally = Tally("policies (hostile)")
    for name, data in [*((k, v.encode("utf-8")) for k, v in cases.items()), *raw.items()]:
        bug = gen.left_out("policy", data)
        if bug:
            tally.leave_out(bug)
            continue
        path = workdir / f"hostile-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.policy"
        path.write_bytes(data)
        outcome = pool.run(f"{ME}:load_job", str(path), False)
        tally.add(outcome, judge(outcome, path, data), name)
    report = tally.report()
    assert not tally.failures, report


def test_generator_covers_the_grammar():
    """The generator keeps up with grammar/policy.lark: 200 derivations take every
    production, and derivations without wrong names almost always parse (so the fuzzer
    reaches the checker, not only the syntax errors)."""
    from lark import Lark
    from lark.exceptions import UnexpectedInput

    generator = gen.PolicyGenerator()
    for n in range(200):
        rng = random.Random(f"coverage:{n}")
        generator.policy(rng)
        generator.embedded(rng)
    every = {p for options in generator.grammar.productions.values() for p in options}
    missing = sorted(f"{p.origin}: {' '.join(p.symbols)}" for p in every - generator.used)
    assert not missing, f"productions the generator never takes: {missing}"

    lark = Lark(gen.GRAMMAR_FILE.read_text(encoding="utf-8"), parser="lalr")
    clean = gen.PolicyGenerator(noise=0.0)
    failed = []
    for n in range(100):
        text = clean.policy(random.Random(f"parses:{n}"))
        try:
            lark.parse(text)
        except UnexpectedInput as error:
            failed.append(str(error).splitlines()[0])
    gen.publish(f"\nfuzz grammar: {len(every)} productions, all taken; {100 - len(failed)} of 100 clean derivations parse")
    assert len(failed) <= 10, failed
