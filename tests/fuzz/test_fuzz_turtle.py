"""Fuzzing the Turtle input: damaged copies of kb/*.ttl and kb/data/*.ttl either load with
`KnowledgeGraph.add_turtle`, or raise a PolicyKBError naming the file (with the line, and
column, where rdflib gives one); a failed load leaves the graph as it was; and reading
the vocabulary, the clusters and the facts afterwards works or raises PolicyKBError.

Each input is one shipped Turtle file damaged by grammar_gen's format-blind mutators
(tokens, lines, unicode, payloads, huge numbers, long names, truncation, invalid UTF-8,
other encodings, BOMs) or by Turtle-aware ones (ill-typed literals such as
"abc"^^xsd:decimal, huge and non-finite numbers, odd language tags and IRIs, unknown or
rebound prefixes, a missing '.', statements repeated with other values, deep nesting of
blank nodes and collections). It is added in a worker process (grammar_gen.WorkerPool)
either to the whole shipped kb or to the shipped kb without the file it came from, so
that the damaged file supplies what it normally would (the vocabulary, the clusters...).

Run with POLICYKB_FUZZ_EXAMPLES=5000 for a longer run (see test_fuzz_policies.py for the
other settings). The summary line reads
  fuzz turtle: 150 inputs, 70 added, 80 rejected, 0 failures (...)
"""

from __future__ import annotations

import random
import re
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import grammar_gen as gen
from grammar_gen import Mutant, Outcome, Tally, WorkerPool, examples, location_problems, scaled

PLAIN_EXAMPLES = examples(120)
CLI_SAMPLE = scaled(3, 120)
CLI_TIMEOUT = max(gen.TIMEOUT, 30.0)
ME = "test_fuzz_turtle"
HYPOTHESIS = gen.hypothesis_settings(PLAIN_EXAMPLES)
SCREEN = ["screen", "--policy", "miit-2022", "--as-of", "2024", "--data"]


# ============================================================== jobs (run in a worker)
_STATE: dict = {}


def _kb_without(name: str) -> Path:
    """A kb folder holding every shipped Turtle file but `name` (made once per worker)."""
    folder = Path(_STATE.setdefault("tmp", tempfile.mkdtemp(prefix="policykb-fuzz-kb-"))) / f"without-{name}"
    if not folder.exists():
        for path in gen.TURTLE_FILES:
            if path.name != name:
                target = folder / path.relative_to(gen.KB_DIR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
    return folder


def _graph(base: str):
    """The graph to add to: the shipped kb ("full"), or the shipped kb without one file;
    kept while inputs fail (a failure must leave it unchanged), fresh after a success."""
    from policykb.errors import PolicyKBError

    if base in _STATE.setdefault("unusable", set()):
        return _graph("full")
    if base not in _STATE:
        try:
            _STATE[base] = gen.fresh_graph(None if base == "full" else _kb_without(base))
        except PolicyKBError:  # the kb needs that file (the ontology, the vocabulary)
            _STATE["unusable"].add(base)
            return _graph("full")
    return _STATE[base]


def warm() -> bool:
    _graph("full")
    return True


def add_job(path: str, base: str) -> dict:
    from policykb.errors import PolicyKBError

    kg, before = _graph(base)
    key = next(k for k, v in _STATE.items() if isinstance(v, tuple) and v[0] is kg)
    try:
        with gen.quiet_rdflib():
            added = kg.add_turtle(path)
    except PolicyKBError:
        after = gen.graph_fingerprint(kg)
        if after != before:
            del _STATE[key]
            raise AssertionError(f"the graph changed after a failed add_turtle: {before[0]} triples before, "
                                 f"{after[0]} after") from None
        raise
    del _STATE[key]  # the graph holds the file now: the next input starts from a fresh one
    result: dict = {"added": added}
    try:
        with gen.quiet_rdflib():
            kg.vocabulary()
            result["clusters"] = len(kg.clusters())
            result["facts"] = len(kg.facts().observations)
    except PolicyKBError as error:
        result["facts_error"] = [asdict(d) for d in error.diagnostics]
    return result


# ============================================================== inputs
TURTLE_IRIS = ("<a b>", "<javascript:alert(1)>", "<file:///etc/passwd>", "<>", "<http://example.org/\U0001f680>",
               "<http://example.org/a>b>", "<\\u0000>", "<http://[::1>", "<urn:x:" + "a" * 10_000 + ">", "_:b0", "[]")
TURTLE_LITERALS = ('"abc"^^xsd:decimal', '"1e400"^^xsd:decimal', '"1e400"^^xsd:double', '"NaN"^^xsd:double',
                   '"INF"^^xsd:decimal', '"-5"^^xsd:decimal', '"1' + "0" * 5000 + '"^^xsd:decimal',
                   '"0.' + "0" * 5000 + '1"^^xsd:decimal', '"maybe"^^xsd:boolean', '"2023"^^xsd:gYear',
                   '"x"@zh', '"x"@', '"x"@123', '"x"@zh-', '""', '"""unterminated', "1e400", "-0", "1" + "0" * 5000,
                   '"' + gen.PAYLOADS[0].replace('"', '\\"') + '"', '"\\u0000"', '"\\uD800"', "true", "TRUE",
                   '"x"^^<>', '"x"^^unknownprefix:t', "()", "( 1 2 ( 3 ) )")


def turtle_mutation(rng: random.Random, text: str, how: list[str]) -> str:
    op = rng.choice(("literal", "literal", "iri", "prefix", "punctuation", "repeat", "nesting", "base", "langtag"))
    if op == "literal":
        spots = [m.span() for m in re.finditer(r'"[^"\n]*"(\^\^[\w:]+|@[\w-]+)?|\b\d+(\.\d+)?\b|\btrue\b|\bfalse\b',
                                               text)]
        if spots:
            a, b = rng.choice(spots)
            new = rng.choice(TURTLE_LITERALS)
            how.append(f"literal {text[a:b][:30]!r} at {a} -> {new[:40]!r}")
            return text[:a] + new + text[b:]
    if op == "langtag":
        spots = [m.span() for m in re.finditer(r"@(zh|en)\b", text)]
        if spots:
            a, b = rng.choice(spots)
            new = rng.choice(("@", "@zh-Hans-CN-x-private", "@123", "@zh_CN", "@-", "@" + "a" * 300))
            how.append(f"language tag at {a} -> {new[:20]!r}")
            return text[:a] + new + text[b:]
    if op == "iri":
        spots = [m.span() for m in re.finditer(r"<[^>\s]*>|\b[a-z]+:[\w-]+", text)]
        if spots:
            a, b = rng.choice(spots)
            new = rng.choice(TURTLE_IRIS + ("zz:unknown", "pkb:", ":", "ind:" + "x" * 1000))
            how.append(f"term {text[a:b][:30]!r} at {a} -> {new[:40]!r}")
            return text[:a] + new + text[b:]
    if op == "prefix":
        lines = text.split("\n")
        prefixes = [i for i, line in enumerate(lines) if line.lstrip().lower().startswith(("@prefix", "prefix"))]
        if prefixes:
            i = rng.choice(prefixes)
            if rng.random() < 0.5:
                how.append(f"prefix line {i + 1} removed")
                del lines[i]
            else:
                new = re.sub(r"<[^>]*>", "<http://example.org/rebound#>", lines[i])
                how.append(f"prefix line {i + 1} rebound")
                lines.insert(rng.randint(i, len(lines)), new)
            return "\n".join(lines)
    if op == "punctuation":
        spots = [m.start() for m in re.finditer(r"\s[.;,](\s|$)", text)]
        if spots:
            a = rng.choice(spots) + 1
            new = rng.choice(("", ";", ",", ". .", ";;", "."))
            how.append(f"punctuation {text[a]!r} at {a} -> {new!r}")
            return text[:a] + new + text[a + 1:]
    if op == "repeat":  # a statement again, with one literal changed: conflicting values
        statements = [m.span() for m in re.finditer(r"(?ms)^\S.*?\s\.\s*$", text) if not
                      text[m.start():m.end()].lower().startswith(("@prefix", "prefix", "@base"))]
        if statements:
            a, b = rng.choice(statements)
            block = turtle_mutation(rng, text[a:b], how) if rng.random() < 0.8 else text[a:b]
            how.append(f"statement at {a} repeated")
            return text + "\n" + block + "\n"
    if op == "nesting":
        depth = rng.choice((100, 1000, 5000))
        subject = "<http://example.org/deep>"
        if rng.random() < 0.5:
            new = f"\n{subject} <http://example.org/p> " + "[ <http://example.org/p> " * depth + "1" + " ]" * depth + " .\n"
        else:
            new = f"\n{subject} <http://example.org/p> " + "( " * depth + "1" + " )" * depth + " .\n"
        how.append(f"blank nodes / collections nested {depth} deep")
        return text + new
    if op == "base":
        how.append("@base changed")
        return rng.choice(("@base <http://evil.example/> .\n", "@base <> .\n", "BASE <file:///>\n")) + text
    return gen.mutate_text(rng, text, how)


def known_bug(mutant: Mutant, name: str, base: str) -> str | None:
    return gen.left_out("turtle", mutant.data) or gen.left_out("turtle-add", mutant.data, name, base)


def make_input(rng: random.Random) -> tuple[Mutant, str, str]:
    """(damaged file, its name, the base graph it is added to)."""
    source = rng.choice(gen.TURTLE_FILES)
    text = source.read_text(encoding="utf-8")
    how = [f"from {source.relative_to(gen.ROOT)}"]
    for _ in range(rng.choice((1, 1, 2, 3))):
        text = turtle_mutation(rng, text, how) if rng.random() < 0.6 else gen.mutate_text(rng, text, how)
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.2:
        data = gen.mutate_bytes(rng, data, how)
    base = "full" if rng.random() < 0.4 else source.name
    how.append(f"added to the kb {'as shipped' if base == 'full' else 'without ' + source.name}")
    return Mutant(data, how), source.name, base


# ============================================================== checks
def judge(outcome: Outcome, path: Path, data: bytes) -> list[str]:
    problems = []
    if outcome.status == "rejected":
        if not outcome.value:
            problems.append("PolicyKBError without diagnostics")
        problems += location_problems(outcome.value, {str(path): data})
        for d in outcome.value:
            if d["file"] != str(path):
                problems.append(f"diagnostic names {d['file']}, not the file added ({path})")
            if d["message"].startswith("Turtle syntax error") and d["line"] is None:
                problems.append(f"a syntax error without a line: {d['message'][:200]!r}")
    elif outcome.status == "ok":
        problems += location_problems(outcome.value.get("facts_error", []), {str(path): data}, require_file=False)
    if gen.pwned():
        problems.append(f"a payload ran: {gen.PWNED} exists")
    return problems


@pytest.fixture(scope="module")
def pool():
    workers = WorkerPool(size=gen.WORKERS, warm=(f"{ME}:warm", ()))
    yield workers
    workers.close()
    assert not gen.pwned(), f"a payload ran: {gen.PWNED} exists"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-turtle")


def test_fuzz_turtle(pool, workdir):
    """The plain loop: PLAIN_EXAMPLES damaged files, each from a seed of its own, on all
    workers; then `policykb screen --data FILE` on a sample."""
    tally = Tally("turtle", accepted_word="added")
    pending = {}
    kept: list[tuple[Path, bytes]] = []

    def jobs():
        for n in range(PLAIN_EXAMPLES):
            mutant, name, base = make_input(random.Random(f"turtle:{n}"))
            bug = known_bug(mutant, name, base)
            if bug:
                tally.leave_out(bug)
                continue
            path = workdir / f"in-{n}" / name
            path.parent.mkdir()
            path.write_bytes(mutant.data)
            pending[n] = (path, mutant)
            yield n, f"{ME}:add_job", (str(path), base)

    for n, outcome in pool.map(jobs()):
        path, mutant = pending.pop(n)
        problems = judge(outcome, path, mutant.data)
        what = f"seed 'turtle:{n}' ({mutant.description[:300]})"
        if problems or outcome.failed:
            what += f"; input kept at {gen.keep_failure(f'turtle-{n}-{path.name}', mutant.data)}"
        tally.add(outcome, problems, what)
        if len(kept) < 100 and outcome.status in ("ok", "rejected"):
            kept.append((path, mutant.data))
        else:
            shutil.rmtree(path.parent, ignore_errors=True)

    statuses = [0, 0]
    candidates = []
    for path, data in kept:
        bug = gen.left_out("turtle-cli", data)
        if bug:
            tally.leave_out(bug)
        else:
            candidates.append((path, data))
    for path, data in random.Random("turtle:cli").sample(candidates, min(len(candidates), CLI_SAMPLE)):
        outcome = pool.run("grammar_gen:cli_job", [*SCREEN, str(path)], timeout=CLI_TIMEOUT)
        problems = gen.cli_problems(outcome)
        if outcome.status == "ok":
            statuses[outcome.value[0] != 0] += 1
        if problems or outcome.failed:
            tally.failures.append(f"policykb screen --data {gen.keep_failure(f'cli-{path.parent.name}-{path.name}', data)}"
                                  + "".join("\n    " + p for p in [outcome.describe()] * outcome.failed + problems))
    report = tally.report()
    gen.publish(f"fuzz turtle: policykb screen --data on {sum(statuses)} files ({statuses[0]} exit 0, {statuses[1]} exit 1)")
    assert not tally.failures, report


def test_fuzz_turtle_hypothesis(pool, workdir):
    """The same property under hypothesis (derandomized; deadline 2 s per input)."""
    tally = Tally("turtle (hypothesis)", accepted_word="added")
    counter = iter(range(10**9))

    @HYPOTHESIS
    @given(rng=st.randoms(use_true_random=False))
    def one(rng):
        mutant, name, base = make_input(rng)
        bug = known_bug(mutant, name, base)
        if bug:
            tally.leave_out(bug)
        assume(bug is None)
        path = workdir / f"h-{next(counter)}" / name
        path.parent.mkdir()
        path.write_bytes(mutant.data)
        outcome = pool.run(f"{ME}:add_job", str(path), base)
        problems = judge(outcome, path, mutant.data)
        tally.add(outcome, problems, mutant.description[:300])
        if problems or outcome.failed:
            kept = gen.keep_failure(f"turtle-{path.parent.name}-{name}", mutant.data)
            raise AssertionError(f"{outcome.describe()} {problems}; input kept at {kept}")
        shutil.rmtree(path.parent, ignore_errors=True)

    try:
        one()
    finally:
        gen.publish(tally.summary())
