"""policykb at national scale: timings and peak memory against a plain-Python reference.

    python bench/run.py [--sizes 1000,10000,100000] [--quick]

For each size N it generates (once; cached under bench/out/) a folder of N synthetic
clusters in the CSV layout, then runs, each in its own subprocess so that memory is measured
per engine:

  reference  bench/reference.py: reads the CSVs with the csv module and decides every
             criterion of the shipped measures with exact numbers (the yardstick);
  policykb   the working tree's src/ (not an installed copy): KnowledgeBase.open, statuses of
             every shipped measure (first call, then warm), kb.check of one cluster, a
             20-step threshold sweep;
  pydatalog  the same screening with kb.engine_choice = {BATCH: REFERENCE} (sizes up to
             --pydatalog-max only);

and once per run `python -m policykb.cli check <real cluster>` as a cold process. It prints
one table (policykb beside the reference measured in the same run, and their ratio), the
targets of the issue "Fast at national scale" with PASS/MISS, and the agreement of
policykb's statuses with the reference's for every cluster and criterion (exit status 1 on
any disagreement, or when a part failed). Timings are wall clock (time.perf_counter).

Peak memory: "peak" is the worker process's resident set high-water mark (VmHWM of
/proc/self/status) during that phase, reset at the start of each phase by writing 5 to
/proc/self/clear_refs; "process peak" is the worker's ru_maxrss from os.wait4 (getrusage of
that one child). Both are RSS of the whole process (interpreter, libraries and data), not
tracemalloc's Python-level allocations.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SRC = REPO / "src"
OUT = BENCH / "out"

MEASURES = ("miit-2022", "jiangsu-2023", "henan-2023")
AS_OF = 2023            # the synthetic boundary clusters sit on the 2020-2022 window
AGREE_AS_OF = (2023, 2024)
EXPLAIN_POLICY = "jiangsu-2023"
REAL_CLUSTER = "js-xinwu-mems-sensors"
# The sweep: Henan's SME share, 50% .. 69% by 1% (20 thresholds; the policy says 65%).
SWEEP = ("henan-2023", "sme-share", "50%", "69%", "1%")
SWEEP_STEPS = 20
WARM_ROUNDS, EXPLAIN_RUNS, NEW_CLUSTERS, CLI_RUNS = 3, 30, 10, 5
SEED = 0

# Targets of the issue (at 10,000 clusters x the shipped measures).
TARGET_SIZE, BIG_SIZE = 10_000, 100_000
WARM_RATIO, COLD_RATIO, EXPLAIN_SECONDS, CLI_SECONDS = 2.0, 5.0, 0.010, 1.0
SCALE_RATIO, BIG_PEAK_MB = 11.0, 1536.0


# ====================================================================== measurement
def hwm_kb() -> int:
    try:
        with open("/proc/self/status") as handle:
            return int(re.search(r"VmHWM:\s+(\d+)", handle.read()).group(1))
    except (OSError, AttributeError):  # not Linux: the process peak so far
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class Recorder:
    """Phases of one worker, written to a JSON file after each phase (a worker that is
    stopped on time-out still leaves the phases it finished)."""

    def __init__(self, path: Path, kind: str, size: int):
        self.path = path
        self._reserve = bytearray(64 * 1024 * 1024)  # freed when a phase fails (see phase())
        self.data = {"kind": kind, "size": size, "phases": {}, "load_start": os.getloadavg(),
                     "hwm_reset": reset_hwm(), "notes": []}
        self.save()

    def save(self) -> None:
        self.data["load_now"] = os.getloadavg()
        self.path.write_text(json.dumps(self.data, indent=1, default=str))

    @contextmanager
    def phase(self, name: str, **extra):
        gc.collect()
        reset_hwm()
        record = {**extra}
        start = time.perf_counter()
        try:
            yield record
        except BaseException as exc:  # a MemoryError under --mem-limit-gb, a bug: keep what was measured
            self._reserve = None  # room to write the record in, should memory have run out
            record.update(error=f"{type(exc).__name__}: {exc}"[:300], seconds_until_error=time.perf_counter() - start,
                          peak_mb=hwm_kb() / 1024)
            self.data["phases_failed"] = {**self.data.get("phases_failed", {}), name: record}
            self.data["notes"].append(f"phase {name} failed after {record['seconds_until_error']:.0f} s "
                                      f"(peak {record['peak_mb']:,.0f} MB): {record['error']}")
            self.save()
            raise
        record.setdefault("seconds", time.perf_counter() - start)
        record["peak_mb"] = hwm_kb() / 1024
        record["load"] = os.getloadavg()[0]
        self.data["phases"][name] = record
        self.save()


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


# ====================================================================== workers
def worker_generate(args) -> None:
    sys.path.insert(0, str(SRC))
    from policykb.graph.synthetic import write_synthetic_folder

    start = time.perf_counter()
    summary = write_synthetic_folder(args.folder, args.size, args.seed)
    info = {"clusters": summary.clusters, "observations": summary.observations,
            "enterprises": summary.enterprises, "incidents": summary.incidents,
            "assessments": summary.assessments, "seconds": time.perf_counter() - start,
            "generator": generator_hash(), "seed": args.seed}
    (Path(args.folder) / ".complete").write_text(json.dumps(info))


def worker_reference(args) -> None:
    sys.path.insert(0, str(BENCH))
    import reference as R

    rec = Recorder(Path(args.out), "reference", args.size)
    with rec.phase("load") as r:
        folder = R.Folder.read(args.folder)
        r["rows"] = folder.rows
    with rec.phase("screen_first") as r:
        first = {p: R.evaluate(folder, p, AS_OF) for p in MEASURES}
    with rec.phase("screen_warm") as r:
        r["seconds"], r["runs"] = median_time(lambda: [R.evaluate(folder, p, AS_OF) for p in MEASURES], WARM_ROUNDS)
    cid = sample_cluster(folder.clusters)
    with rec.phase("explain_warm", cluster=cid) as r:
        r["seconds"], _ = median_time(lambda: R.evaluate(folder, EXPLAIN_POLICY, AS_OF, clusters=[cid]), EXPLAIN_RUNS)
    policy, criterion, start, stop, step = SWEEP
    thresholds = [50 + k for k in range(SWEEP_STEPS)]
    with rec.phase("sweep") as r:
        points = R.sweep(folder, policy, criterion,
                         lambda t: R.share("sme_output", "total_output", ">=", t), thresholds, AS_OF)
        r["points"] = [list(p[1:]) for p in points]
    if args.agree:
        statuses = {f"{p}@{AS_OF}": first[p] for p in MEASURES}
        for as_of in AGREE_AS_OF:
            for p in MEASURES:
                statuses.setdefault(f"{p}@{as_of}", R.evaluate(folder, p, as_of))
        Path(args.agree).write_text(json.dumps(statuses))
    rec.data["done"] = True
    rec.save()


def worker_policykb(args) -> None:
    sys.path.insert(0, str(SRC))
    rec = Recorder(Path(args.out), args.kind, args.size)
    with rec.phase("import"):
        from policykb.knowledge_base import BATCH, REFERENCE, KnowledgeBase
    with rec.phase("load") as r:
        kb = KnowledgeBase.open(data=[Path(args.folder)])
    if args.kind == "pydatalog":
        kb.engine_choice = {BATCH: REFERENCE}
    with rec.phase("screen_first") as r:
        first = {}
        for p in MEASURES:
            start = time.perf_counter()
            first[p] = kb.statuses(p, AS_OF)
            r[p] = time.perf_counter() - start
    rounds = WARM_ROUNDS if args.kind == "policykb" else 1
    with rec.phase("screen_warm") as r:
        r["seconds"], r["runs"] = median_time(lambda: [kb.statuses(p, AS_OF) for p in MEASURES], rounds)
    if args.kind == "policykb":
        ids = sorted(c for c in first[MEASURES[0]] if c.startswith("syn-"))
        cid = sample_cluster(ids)
        with rec.phase("explain_first", cluster=cid) as r:
            kb.check(cid, EXPLAIN_POLICY, AS_OF)
        with rec.phase("explain_warm", cluster=cid) as r:
            r["seconds"], r["runs"] = median_time(lambda: kb.check(cid, EXPLAIN_POLICY, AS_OF), EXPLAIN_RUNS)
        others = [c for c in ids if c != cid][:NEW_CLUSTERS]
        with rec.phase("explain_new_cluster", clusters=len(others)) as r:
            times = []
            for other in others:
                start = time.perf_counter()
                kb.check(other, EXPLAIN_POLICY, AS_OF)
                times.append(time.perf_counter() - start)
            r["seconds"], r["runs"] = statistics.median(times), times
        with rec.phase("sweep") as r:
            r["method"], r["points"] = policykb_sweep(kb)
    if args.agree:
        statuses = {}
        for as_of in (AGREE_AS_OF if args.kind == "policykb" else (AS_OF,)):
            for p in MEASURES:
                got = first[p] if as_of == AS_OF else kb.statuses(p, as_of)
                statuses[f"{p}@{as_of}"] = {c: row for c, row in got.items() if c.startswith("syn-")}
        if args.kind == "policykb":
            # The sweep counts the shipped real clusters too: sweep a kb without the folder.
            statuses["sweep_offset"] = policykb_sweep(KnowledgeBase.open())[1]
        Path(args.agree).write_text(json.dumps(statuses))
    rec.data["done"] = True
    rec.save()


def policykb_sweep(kb) -> tuple[str, list[list[int]]]:
    policy, criterion, start, stop, step = SWEEP
    try:
        from policykb.research.sweep import sweep
    except ImportError:
        sweep = None
    if sweep is not None:
        result = sweep(kb, policy, criterion, start, stop, step, AS_OF)
        return "research.sweep", [[p.eligible, p.ineligible, p.undetermined] for p in result.points]
    from fractions import Fraction

    from policykb.language.ast import Span, Threshold
    from policykb.research.scenario import SetThreshold

    points = []
    for k in range(SWEEP_STEPS):
        value = 50 + k
        change = SetThreshold(policy, criterion, Threshold(f"{value}%", Fraction(value), "%", Span("bench", 1, 1)))
        rows = kb.with_changes([change]).statuses(policy, AS_OF).values()
        verdicts = [row["*"] for row in rows]
        points.append([verdicts.count("eligible"), verdicts.count("ineligible"), verdicts.count("undetermined")])
    return "with_changes + statuses", points


def sample_cluster(ids) -> str:
    ids = sorted(ids)
    return ids[len(ids) // 2]


def generator_hash() -> str:
    digest = hashlib.sha256()
    for path in (SRC / "policykb/graph/synthetic.py", REPO / "kb/vocabulary.ttl"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ====================================================================== the driver
def env() -> dict:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join([str(SRC), *filter(None, [environment.get("PYTHONPATH")])])
    return environment


MEM_LIMIT_BYTES: int | None = None  # address-space cap of measured workers (--mem-limit-gb)


def _cap_memory() -> None:
    if MEM_LIMIT_BYTES:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEM_LIMIT_BYTES, MEM_LIMIT_BYTES))


def spawn(argv: list[str], timeout: float, quiet: bool = True, cap: bool = False) -> tuple[int | None, float, float]:
    """Run a child; (exit status or None on time-out, seconds, ru_maxrss in MB of that child)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env(), cwd=REPO, stdout=subprocess.DEVNULL if quiet else None,
                            stderr=subprocess.PIPE if quiet else None, start_new_session=True,
                            preexec_fn=_cap_memory if cap else None)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = None
            break
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if quiet and proc.returncode not in (0, None) and proc.stderr is not None:
        sys.stderr.write(proc.stderr.read().decode(errors="replace")[-4000:])
    if proc.stderr is not None:
        proc.stderr.close()
    return proc.returncode, seconds, usage.ru_maxrss / 1024


def ensure_folder(size: int, seed: int, log) -> tuple[Path, dict]:
    folder = OUT / f"synthetic-n{size}-seed{seed}"
    marker = folder / ".complete"
    if marker.is_file():
        info = json.loads(marker.read_text())
        if info.get("generator") == generator_hash():
            info["cached"] = True
            return folder, info
        marker.unlink()
    log(f"  generating {size:,} synthetic clusters into {folder.relative_to(REPO)} ...")
    code, _, _ = spawn([sys.executable, __file__, "--worker", "generate", "--size", str(size),
                        "--seed", str(seed), "--folder", str(folder)], timeout=3600)
    if code != 0:
        raise SystemExit(f"generating {size} clusters failed")
    info = json.loads(marker.read_text())
    info["cached"] = False
    return folder, info


def run_worker(kind: str, size: int, folder: Path, timeout: float, agree: bool, log) -> dict:
    out = OUT / f"result-{kind}-n{size}.json"
    agree_file = OUT / f"statuses-{kind}-n{size}.json"
    for stale in (out, agree_file):
        stale.unlink(missing_ok=True)
    argv = [sys.executable, __file__, "--worker", kind, "--size", str(size), "--folder", str(folder),
            "--out", str(out)] + (["--agree", str(agree_file)] if agree else [])
    log(f"  {kind:<9} N={size:,} ...")
    code, seconds, maxrss = spawn(argv, timeout, cap=True)
    result = json.loads(out.read_text()) if out.is_file() else {"phases": {}}
    result.update(exit=code, wall=seconds, maxrss_mb=maxrss, agree_file=str(agree_file) if agree else None)
    if code is None:
        result["notes"] = result.get("notes", []) + [f"stopped after {timeout:.0f} s (time-out); partial numbers"]
    elif code != 0:
        cap = f" (memory cap {MEM_LIMIT_BYTES / 1024 ** 3:g} GB)" if MEM_LIMIT_BYTES else ""
        result["notes"] = result.get("notes", []) + [f"failed with exit status {code} after {seconds:.0f} s{cap}"]
    phases = ", ".join(f"{k} {v['seconds']:.3g}s" for k, v in result["phases"].items())
    log(f"  {kind:<9} N={size:,}: {phases} (process peak {maxrss:.0f} MB)")
    return result


def cold_cli(log) -> dict:
    log(f"  cold process: python -m policykb.cli check {REAL_CLUSTER} ... x{CLI_RUNS}")
    cmd = [sys.executable, "-m", "policykb.cli", "check", REAL_CLUSTER, "--policy", "jiangsu-2023", "--as-of", "2024"]
    runs = [spawn(cmd, 120) for _ in range(CLI_RUNS)]
    bare = [spawn([sys.executable, "-c", "pass"], 60) for _ in range(3)]
    imports = [spawn([sys.executable, "-c", "import policykb.knowledge_base, policykb.cli"], 60) for _ in range(3)]
    return {"exit": [r[0] for r in runs], "seconds": statistics.median(r[1] for r in runs),
            "runs": [r[1] for r in runs], "maxrss_mb": max(r[2] for r in runs),
            "python_seconds": statistics.median(r[1] for r in bare),
            "import_seconds": statistics.median(r[1] for r in imports), "load": os.getloadavg()[0]}


def compare(ref_file: str, got_file: str) -> tuple[int, int, dict]:
    """(disagreements, statuses compared, examples) between two statuses dumps."""
    ref, got = json.loads(Path(ref_file).read_text()), json.loads(Path(got_file).read_text())
    bad, total, examples = 0, 0, {}
    for key, rows in ref.items():
        if key not in got:
            continue
        for cid, row in rows.items():
            other = got[key].get(cid, {})
            for criterion, status in row.items():
                total += 1
                if other.get(criterion) != status:
                    bad += 1
                    examples.setdefault(f"{key} {criterion}: reference {status}, engine {other.get(criterion)}", cid)
            extra = set(other) - set(row)
            if extra:
                bad += len(extra)
                examples.setdefault(f"{key}: engine has criteria {sorted(extra)} the reference lacks", cid)
        missing = set(got[key]) - set(rows)
        if missing:
            bad += len(missing)
            examples.setdefault(f"{key}: {len(missing)} clusters the reference lacks", sorted(missing)[0])
    return bad, total, examples


# ---------------------------------------------------------------------- report
def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 0.001:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 0.1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s" if seconds < 100 else f"{seconds:.0f} s"


def fmt_mb(mb: float | None) -> str:
    return "-" if mb is None else f"{mb:,.0f} MB"


def ratio(a: float | None, b: float | None) -> str:
    return "-" if not a or not b else f"{a / b:.1f}x"


def phase(result: dict | None, name: str, key: str = "seconds"):
    if not result:
        return None
    return result.get("phases", {}).get(name, {}).get(key)


def cold_seconds(result: dict | None) -> float | None:
    load, first = phase(result, "load"), phase(result, "screen_first")
    return None if load is None or first is None else load + first


def report(sizes, results, cli, agreement, skipped, machine, args) -> tuple[str, bool]:
    lines = []
    add = lines.append
    add(f"policykb benchmark - {time.strftime('%Y-%m-%d %H:%M')} - {machine}")
    add(f"shipped measures: {', '.join(MEASURES)}; application year {AS_OF}; seed {args.seed}; "
        f"policykb from {SRC.relative_to(REPO)}/ of the working tree at {revision()}")
    add("")
    add("| N | phase | policykb | reference | ratio | peak policykb | peak reference | load avg |")
    add("|---:|---|---:|---:|---:|---:|---:|---:|")
    rows = (("load", "(a) load CSV folder (KnowledgeBase.open / csv read)", "load", "load"),
            ("cold", "(a+b) cold screen: load + first statuses, 3 measures", None, None),
            ("screen_first", "(b) first statuses, 3 measures (facts + engine + eval)", "screen_first", "screen_first"),
            ("screen_warm", "(b) warm statuses, 3 measures (median)", "screen_warm", "screen_warm"),
            ("pyd_first", "(b) pyDatalog engine: first statuses, 3 measures", "screen_first", "screen_first"),
            ("pyd_warm", "(b) pyDatalog engine: warm statuses, 3 measures", "screen_warm", "screen_warm"),
            ("explain_first", "(c) kb.check, first call after screening", "explain_first", None),
            ("explain_warm", f"(c) kb.check one cluster warm (median of {EXPLAIN_RUNS}; reference: its statuses "
             "only, no explanation)", "explain_warm", "explain_warm"),
            ("explain_new", f"(c) kb.check, a new cluster each time (median of {NEW_CLUSTERS})", "explain_new_cluster",
             None),
            ("sweep", f"(d) {SWEEP_STEPS}-step sweep {SWEEP[0]} {SWEEP[1]} {SWEEP[2]}..{SWEEP[3]}", "sweep", "sweep"))
    for n in sizes:
        res = results.get(n, {})
        pk, ref, pyd = res.get("policykb"), res.get("reference"), res.get("pydatalog")
        for key, label, mine, theirs in rows:
            engine = pyd if key.startswith("pyd") else pk
            if key.startswith("pyd") and pyd is None:
                if key == "pyd_first" and n in skipped:
                    add(f"| {n:,} | {label} | skipped | | | | | |")
                continue
            if key == "cold":
                a, b = cold_seconds(engine), cold_seconds(ref)
                pa = max(filter(None, [phase(engine, "load", "peak_mb"), phase(engine, "screen_first", "peak_mb")]),
                         default=None)
                pb = max(filter(None, [phase(ref, "load", "peak_mb"), phase(ref, "screen_first", "peak_mb")]),
                         default=None)
                load = phase(engine, "screen_first", "load")
            else:
                a, b = phase(engine, mine), phase(ref, theirs) if theirs else None
                pa, pb = phase(engine, mine, "peak_mb"), phase(ref, theirs, "peak_mb") if theirs else None
                load = phase(engine, mine, "load")
            if a is None and b is None:
                continue
            add(f"| {n:,} | {label} | {fmt_s(a)} | {fmt_s(b)} | {ratio(a, b)} | {fmt_mb(pa)} | {fmt_mb(pb)} | "
                f"{'-' if load is None else f'{load:.1f}'} |")
        for kind, r in (("policykb", pk), ("reference", ref), ("pydatalog", pyd)):
            if r is not None:
                add(f"| {n:,} | process peak RSS, {kind} worker (ru_maxrss) | | | | {fmt_mb(r.get('maxrss_mb'))} | | |")
    if cli:
        add(f"| - | (e) `policykb check {REAL_CLUSTER}` cold process (median of {CLI_RUNS}) | {fmt_s(cli['seconds'])} | "
            f"{fmt_s(cli['python_seconds'])} (python -c pass) | {ratio(cli['seconds'], cli['python_seconds'])} | "
            f"{fmt_mb(cli['maxrss_mb'])} | | {cli['load']:.1f} |")
        add(f"| - | (e) of which importing policykb (python -c 'import ...') | {fmt_s(cli['import_seconds'])} | | | | | |")
    add("")
    for n, why in skipped.items():
        add(f"pyDatalog at N={n:,}: skipped - {why}")
    for n in sizes:
        for kind, r in results.get(n, {}).items():
            for note in r.get("notes", []):
                add(f"note: {kind} N={n:,}: {note}")
            method = phase(r, "sweep", "method")
            if method and n == sizes[0]:
                add(f"sweep method: {method}")
    add("")
    # -- targets
    add("| target (issue \"Fast at national scale\") | measured | limit | result |")
    add("|---|---:|---:|---|")
    at = TARGET_SIZE if TARGET_SIZE in results else (max(results) if results else None)
    where = f"N={at:,}" + ("" if at == TARGET_SIZE else f" (the target is defined at {TARGET_SIZE:,}: indicative)")

    def target(label, value, limit, unit=""):
        if value is None:
            add(f"| {label} | not measured | {limit}{unit} | - |")
            return
        shown = f"{value:.2f}{unit}" if unit == "x" else fmt_s(value)
        ok = value <= limit
        add(f"| {label} | {shown} | <= {limit:g}{unit if unit == 'x' else ' s' if unit == 's' else ''} | "
            f"{'PASS' if ok else 'MISS'} |")

    res = results.get(at, {}) if at else {}
    pk, ref = res.get("policykb"), res.get("reference")
    warm = phase(pk, "screen_warm"), phase(ref, "screen_warm")
    target(f"warm screening, {where}: policykb / reference", warm[0] / warm[1] if all(warm) else None, WARM_RATIO, "x")
    cold = cold_seconds(pk), cold_seconds(ref)
    target(f"cold screen from the CSV folder, {where}: (load + first statuses) / (csv read + evaluate)",
           cold[0] / cold[1] if all(cold) else None, COLD_RATIO, "x")
    target(f"one explanation warm, {where}", phase(pk, "explain_warm"), EXPLAIN_SECONDS, "s")
    target("`policykb check` as a cold process", cli["seconds"] if cli else None, CLI_SECONDS, "s")
    small, big = results.get(TARGET_SIZE, {}).get("policykb"), results.get(BIG_SIZE, {}).get("policykb")
    unfinished = big is not None and big.get("exit") != 0
    why = "; ".join(big.get("notes", [])) if unfinished else ""
    for label, fn in (("cold screen", cold_seconds), ("warm screening", lambda r: phase(r, "screen_warm"))):
        a, b = fn(big), fn(small)
        if unfinished and a is None:
            add(f"| {label}: N=100,000 / N=10,000 | did not finish: {why} | <= {SCALE_RATIO:g}x | MISS |")
            continue
        target(f"{label}: N=100,000 / N=10,000", a / b if a and b else None, SCALE_RATIO, "x")
    peak = big.get("maxrss_mb") if big and big.get("phases") else None
    if unfinished and peak:
        add(f"| peak memory at N=100,000 (policykb worker, ru_maxrss) | >= {fmt_mb(peak)} (did not finish) | "
            f"<= {BIG_PEAK_MB:g} MB | MISS |")
    elif peak is None:
        add(f"| peak memory at N=100,000 | not measured | <= {BIG_PEAK_MB:g} MB | - |")
    else:
        add(f"| peak memory at N=100,000 (policykb worker, ru_maxrss) | {fmt_mb(peak)} | <= {BIG_PEAK_MB:g} MB | "
            f"{'PASS' if peak <= BIG_PEAK_MB else 'MISS'} |")
    add("")
    ok = True
    for line, bad in agreement:
        add(line)
        ok = ok and bad == 0
    failed = [(n, f"{kind} N={n:,}") for n in sizes for kind, r in results.get(n, {}).items() if r.get("exit") != 0]
    if failed:
        add("did not finish (see the notes above): " + ", ".join(f for _, f in failed))
    # Beyond the agreement sizes a worker that runs out of time or memory is a measured
    # outcome (a MISS above), not a broken benchmark.
    broken = [f for n, f in failed if n <= args.agree_max]
    if not agreement:
        add("agreement: not checked (no size up to --agree-max, or no engine worker finished there)")
    if cli and any(code != 0 for code in cli["exit"]):
        add(f"FAILED: `policykb check` exit statuses {cli['exit']}")
        ok = False
    return "\n".join(lines), ok and not broken


def revision() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "src"], cwd=REPO, capture_output=True,
                               text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "an unknown revision"
    return f"{head or 'unknown'}{' + uncommitted changes in src/' if dirty else ''}"


def machine() -> str:
    model = "unknown cpu"
    try:
        model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    try:
        mem = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 1024 ** 2
    except (OSError, AttributeError):
        mem = 0
    return (f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB RAM, Python {platform.python_version()}, "
            f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="policykb at national scale, against a plain-Python reference")
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated cluster counts")
    parser.add_argument("--quick", action="store_true", help="only N=1,000 (or the first of --sizes if given)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--agree-max", type=int, default=10_000,
                        help="check agreement with the reference at sizes up to this (default 10,000)")
    parser.add_argument("--pydatalog-max", type=int, default=10_000,
                        help="largest size screened with the pyDatalog engine (default 10,000)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per worker process (default 900)")
    parser.add_argument("--mem-limit-gb", type=float, default=12,
                        help="address-space cap of each measured worker (RLIMIT_AS; default 12 GB, 0 for none): "
                             "a worker that needs more stops with MemoryError instead of swamping the machine")
    # internal: one measured part in a subprocess
    parser.add_argument("--worker", choices=("generate", "reference", "policykb", "pydatalog"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--agree", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        args.kind = args.worker
        work = {"generate": worker_generate, "reference": worker_reference,
                "policykb": worker_policykb, "pydatalog": worker_policykb}[args.worker]
        try:
            work(args)
            code = 0
        except BaseException:  # recorded by the phase; the traceback goes to the driver
            import traceback

            traceback.print_exc(limit=8)
            code = 1
        # Skip tearing down millions of objects (minutes for a 10 GB heap): the results are
        # written, there is nothing else to flush.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    global MEM_LIMIT_BYTES
    MEM_LIMIT_BYTES = int(args.mem_limit_gb * 1024 ** 3) or None
    given = "--sizes" in " ".join(argv)
    sizes = sorted({int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()})
    if args.quick:
        sizes = sizes[:1] if given else [1000]
    OUT.mkdir(parents=True, exist_ok=True)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"policykb bench: sizes {', '.join(f'{n:,}' for n in sizes)}; {machine()}")
    results: dict[int, dict] = {}
    skipped: dict[int, str] = {}
    agreement: list[tuple[str, int]] = []
    for n in sizes:
        folder, info = ensure_folder(n, args.seed, log)
        how = "cached" if info["cached"] else "generated in %.1f s" % info["seconds"]
        log(f"  N={n:,}: {info['observations']:,} observations, {info['enterprises']:,} enterprises ({how})")
        agree = n <= args.agree_max
        res = results[n] = {}
        res["reference"] = run_worker("reference", n, folder, args.timeout, agree, log)
        res["policykb"] = run_worker("policykb", n, folder, args.timeout, agree, log)
        if n <= args.pydatalog_max:
            res["pydatalog"] = run_worker("pydatalog", n, folder, max(args.timeout, 1800), agree, log)
        else:
            skipped[n] = pydatalog_skip_reason(n, results)
        if agree:
            ref_file = res["reference"].get("agree_file")
            for kind in ("policykb", "pydatalog"):
                r = res.get(kind)
                if r is None or r.get("exit") != 0:
                    continue
                bad, total, examples = compare(ref_file, r["agree_file"])
                engine = "SetEngine (statuses)" if kind == "policykb" else "pyDatalog engine"
                years = ", ".join(map(str, AGREE_AS_OF if kind == "policykb" else (AS_OF,)))
                line = (f"agreement N={n:,}, {engine} vs reference, as of {years}: {bad} disagreements "
                        f"in {total:,} statuses (every synthetic cluster x criterion + verdict)")
                for example, cid in list(examples.items())[:10]:
                    line += f"\n    e.g. {cid}: {example}"
                agreement.append((line, bad))
            sweep_line = sweep_agreement(res, ref_file)
            if sweep_line:
                agreement.append(sweep_line)
    cli = cold_cli(log)
    table, ok = report(sizes, results, cli, agreement, skipped, machine(), args)
    print(table)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (OUT / "latest.md").write_text(table + "\n")
    (OUT / f"results-{stamp}.json").write_text(json.dumps({"results": {str(k): v for k, v in results.items()},
                                                           "cli": cli, "skipped": skipped}, indent=1, default=str))
    return 0 if ok else 1


def sweep_agreement(res: dict, ref_file: str) -> tuple[str, int] | None:
    pk = res.get("policykb")
    if not pk or pk.get("exit") != 0:
        return None
    got = phase(pk, "sweep", "points")
    expected = phase(res.get("reference"), "sweep", "points")
    offset = json.loads(Path(pk["agree_file"]).read_text()).get("sweep_offset")
    if not (got and expected and offset):
        return None
    bad = sum(1 for g, e, o in zip(got, expected, offset) if [a - b for a, b in zip(g, o)] != e)
    bad += abs(len(got) - len(expected))
    return (f"agreement N={pk['size']:,}, sweep counts (eligible/ineligible/undetermined per threshold, real "
            f"clusters subtracted) vs reference: {bad} disagreements in {len(expected)} thresholds", bad)


def pydatalog_skip_reason(n: int, results: dict) -> str:
    measured = sorted((m, r["pydatalog"]) for m, r in results.items() if "pydatalog" in r and m < n)
    if measured:
        m, r = measured[-1]
        first = cold_seconds(r)
        if first:
            estimate = first * n / m
            return (f"at N={m:,} load + first pyDatalog screening took {fmt_s(first)} "
                    f"(process peak {fmt_mb(r.get('maxrss_mb'))}); linear extrapolation gives >= "
                    f"{estimate / 60:.0f} min and {fmt_mb((r.get('maxrss_mb') or 0) * n / m)} at N={n:,} "
                    f"(more than ~10 minutes); raise --pydatalog-max to run it anyway")
    return ("pyDatalog screening is not run above --pydatalog-max; shared/notes/engines.md measures it at "
            "100,000 clusters at 56 s load + 72 s evaluation and 4 GB for a smaller program than this one")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
