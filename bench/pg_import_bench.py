#!/usr/bin/python3
"""Import on PostgreSQL vs SQLite (issue 7): the same datagen export imported into a fresh
SQLite vault and a fresh PostgreSQL vault (a new database on --pg-url's server, dropped
afterwards), each import in its own child process, wall time from the child's rusage.
Prints a JSON summary; docs/scale.md and docs/performance.md record the figures. Usage:
  bench/pg_import_bench.py --jadevault build/jadevault --pg-url postgresql://postgres@127.0.0.1:55432/postgres [--rows 20000]
"""
import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
from jvtest import pg_url_with_database, psql  # noqa: E402


def timed(cmd, env):
    t = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True)
    wall = time.monotonic() - t
    if p.returncode != 0:
        raise SystemExit(f"{cmd[3]} failed: {p.stderr.decode(errors='replace')}")
    return wall, json.loads(p.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jadevault", default="build/jadevault")
    ap.add_argument("--pg-url", default=os.environ.get("JV_TEST_PG_URL", ""))
    ap.add_argument("--rows", type=int, default=20000)
    ap.add_argument("--seed", default="42")
    a = ap.parse_args()
    if not a.pg_url:
        raise SystemExit("--pg-url (or JV_TEST_PG_URL) is required")
    jv = os.path.abspath(a.jadevault)
    tmp = tempfile.mkdtemp(prefix="jv-pgbench-")
    env = dict(os.environ, JADEVAULT_PASSPHRASE="benchmark passphrase")
    db = "jv_bench_" + secrets.token_hex(6)
    psql(a.pg_url, f"CREATE DATABASE {db} ENCODING 'UTF8' TEMPLATE template0")
    try:
        path = os.path.join(tmp, "customers.csv")
        subprocess.run([jv, "datagen", "--rows", str(a.rows), "--out", path, "--encoding",
                        "utf-8", "--format", "csv", "--seed", a.seed], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        out = {"date": time.strftime("%Y-%m-%d"), "rows": a.rows}
        for label, store in (("sqlite", None), ("postgresql", pg_url_with_database(a.pg_url, db))):
            vault = os.path.join(tmp, "vault-" + label)
            init = [jv, "--vault", vault, "init", "--company", "基准测试珠宝有限公司",
                    "--scrypt-log-n", "14", "--json"] + (["--store", store] if store else [])
            subprocess.run(init, check=True, env=env, stdout=subprocess.DEVNULL)
            wall, report = timed([jv, "--vault", vault, "import", path, "--json"], env)
            out[label] = {"wall_s": round(wall, 2), "rows_imported": report["rows_imported"],
                          "rows_per_s": round(report["rows_imported"] / wall)}
        out["pg_vs_sqlite"] = round(out["postgresql"]["wall_s"] / out["sqlite"]["wall_s"], 2)
        print(json.dumps(out, ensure_ascii=False, indent=1))
    finally:
        psql(a.pg_url, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
