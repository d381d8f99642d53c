#!/usr/bin/python3
"""Import benchmark (issue 3): jadevault import vs plain `sqlite3 .import`, same file, same run.

Generates an N-row customer export with `jadevault datagen` (UTF-8 and a GB18030 copy of the same
seed), then measures, each in its own child process:
  * baseline: sqlite3 DB ".mode csv" ".import FILE t"   (no validation, no crypto, no indexes)
  * jadevault import FILE --json into a fresh vault       (UTF-8)
  * jadevault import FILE --json into a fresh vault       (GB18030)
Wall time and peak RSS come from the child's rusage; --repeat N runs N rounds of all three
and reports each one's median (peak RSS: the maximum), since the host's noise is ±12 %. Prints a JSON summary and, with --write,
replaces the "Import" section of docs/performance.md. Ratios are what matter: the machine's speed
cancels out. The summary also gives CPU time (user + system, medians) beside wall time: on a
shared host it moves less than wall time between runs.
--against OLD_BINARY also imports the UTF-8 file with another build in every round, right after
this one, and reports both medians: the way to tell whether a change helped when the host's
speed moves more than the change does (docs/design/import_storage.md). Usage:
  bench/import_bench.py --jadevault build/jadevault [--rows 1000000] [--repeat 3] [--write]
                        [--against /path/to/older/jadevault]
"""
import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

MEASURE = r"""
import resource, subprocess, sys, time, json
t = time.monotonic()
p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
wall = time.monotonic() - t
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "wall": wall, "maxrss_kib": ru.ru_maxrss,
                  "user": ru.ru_utime, "sys": ru.ru_stime,
                  "stdout": p.stdout.decode(errors="replace"),
                  "stderr": p.stderr.decode(errors="replace")[-2000:]}))
"""


def measure(cmd, env=None):
    out = subprocess.run([sys.executable, "-c", MEASURE] + cmd, capture_output=True, env=env,
                         check=True)
    r = json.loads(out.stdout)
    if r["rc"] != 0:
        raise SystemExit(f"{cmd[0]} failed ({r['rc']}): {r['stderr']}")
    return r


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jadevault", default="build/jadevault")
    ap.add_argument("--rows", type=int, default=1000000)
    ap.add_argument("--seed", default="42")
    ap.add_argument("--write", action="store_true", help="update docs/performance.md")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="rounds; each figure is the median over them (peak RSS: the maximum)")
    ap.add_argument("--against", help="another jadevault build, alternated with this one")
    a = ap.parse_args()
    jv = os.path.abspath(a.jadevault)
    other = os.path.abspath(a.against) if a.against else None
    tmp = tempfile.mkdtemp(prefix="jv-bench-")
    env = dict(os.environ, JADEVAULT_PASSPHRASE="benchmark passphrase")
    try:
        utf8 = os.path.join(tmp, "customers.csv")
        gbk = os.path.join(tmp, "customers-gb18030.csv")
        for path, enc in ((utf8, "utf-8"), (gbk, "gb18030")):
            subprocess.run([jv, "datagen", "--rows", str(a.rows), "--out", path, "--encoding", enc,
                            "--format", "csv", "--seed", a.seed], check=True, env=env,
                           stdout=subprocess.DEVNULL)
        size_mb = os.path.getsize(utf8) / 1e6

        # Each round measures the baseline and both imports once, into fresh databases;
        # with --repeat N the summary takes each one's median over N rounds, so that a
        # slow spell of the host hits all three alike instead of one of them.
        walls = {"sqlite3": [], "utf8": [], "gb18030": []}
        cpus = {"sqlite3": [], "utf8": [], "gb18030": []}
        runs = [("utf8", jv, utf8), ("gb18030", jv, gbk)]
        if other:
            walls["against_utf8"], cpus["against_utf8"] = [], []
            runs.insert(1, ("against_utf8", other, utf8))
        results = {}
        for rnd in range(a.repeat):
            db = os.path.join(tmp, f"baseline-{rnd}.db")
            r = measure(["sqlite3", db, ".mode csv", f".import {utf8} t"])
            walls["sqlite3"].append(r["wall"])
            cpus["sqlite3"].append(r["user"] + r["sys"])
            os.remove(db)
            for label, binary, path in runs:
                vault = os.path.join(tmp, f"vault-{label}-{rnd}")
                subprocess.run([binary, "--vault", vault, "init", "--company", "基准测试珠宝有限公司",
                                "--scrypt-log-n", "14", "--json"], check=True, env=env,
                               stdout=subprocess.DEVNULL)
                r = measure([binary, "--vault", vault, "import", path, "--json"], env=env)
                shutil.rmtree(vault, ignore_errors=True)
                report = json.loads(r["stdout"])
                walls[label].append(r["wall"])
                cpus[label].append(r["user"] + r["sys"])
                if label == "against_utf8":
                    continue
                prev = results.get(label, {"maxrss_mib": 0})
                results[label] = {"maxrss_mib": max(prev["maxrss_mib"], r["maxrss_kib"] / 1024),
                                  "rows_imported": report["rows_imported"],
                                  "subjects_created": report["subjects_created"]}
        base = {"wall": statistics.median(walls["sqlite3"])}
        for label in ("utf8", "gb18030"):
            results[label]["wall"] = statistics.median(walls[label])
        summary = {
            "date": time.strftime("%Y-%m-%d"),
            "rows": a.rows, "file_mb": round(size_mb, 1), "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "sqlite3_import_s": round(base["wall"], 2),
            "jadevault_utf8_s": round(results["utf8"]["wall"], 2),
            "jadevault_gb18030_s": round(results["gb18030"]["wall"], 2),
            "ratio_vs_sqlite3": round(results["utf8"]["wall"] / base["wall"], 2),
            "gb18030_vs_utf8": round(results["gb18030"]["wall"] / results["utf8"]["wall"], 3),
            "peak_rss_mib": round(max(r["maxrss_mib"] for r in results.values()), 1),
            "rows_imported": results["utf8"]["rows_imported"],
            "subjects_created": results["utf8"]["subjects_created"],
            "cpu_s": {k: round(statistics.median(v), 2) for k, v in cpus.items()},
            "cpu_ratio_vs_sqlite3": round(statistics.median(cpus["utf8"]) /
                                          statistics.median(cpus["sqlite3"]), 2),
            "rounds": a.repeat,
            "walls_s": {k: [round(w, 2) for w in v] for k, v in walls.items()},
        }
        if other:
            summary["against"] = other
            summary["against_utf8_s"] = round(statistics.median(walls["against_utf8"]), 2)
            summary["speedup_vs_against"] = round(
                statistics.median(walls["against_utf8"]) / results["utf8"]["wall"], 3)
        print(json.dumps(summary, ensure_ascii=False, indent=1))
        if a.write:
            write_doc(summary)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def write_doc(s):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "performance.md")
    row = (f"| {s['date']} | {s['rows']:,} | {s['file_mb']} MB | {s['sqlite3_import_s']} s | "
           f"{s['jadevault_utf8_s']} s | **{s['ratio_vs_sqlite3']}×** | {s['jadevault_gb18030_s']} s"
           f" | {s['gb18030_vs_utf8']}× | {s['peak_rss_mib']} MiB | {s['cores']} × {s['cpu']}"
           + (f" (medians of {s['rounds']} rounds)" if s["rounds"] > 1 else "") + " |")
    try:
        text = open(path, encoding="utf-8").read()
    except OSError:
        text = "# Performance\n"
    header = ("## Import (bench/import_bench.py)\n\n"
              "Target (issue 3): import ≤ 1.0 × `sqlite3 .import` of the same CSV, peak RSS ≤ 400 MiB,"
              " GB18030 ≤ 1.15 × UTF-8.\n\n"
              "| date | rows | CSV size | sqlite3 .import | jadevault import (UTF-8) | ratio | "
              "jadevault import (GB18030) | GB18030 / UTF-8 | peak RSS | machine |\n"
              "|---|---|---|---|---|---|---|---|---|---|\n")
    m = re.search(r"## Import \(bench/import_bench.py\)\n.*?\|---\|[^\n]*\n((?:\|[^\n]*\n)*)", text,
                  re.S)
    if m:
        rows = m.group(1) + row + "\n"
        text = text[:m.start()] + header + rows + text[m.end():]
    else:
        text = text.rstrip("\n") + "\n\n" + header + row + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
