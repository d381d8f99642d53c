"""Crash safety of import (SPEC §5.4 "an import is one job"): kill -9 the real binary at
random moments, several times, re-run the same command until it finishes, and compare the
final report and the vault's contents with an uninterrupted run on another vault.
"""
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import time

import import_fixtures as fx
from jvtest import JADEVAULT, PASSPHRASE, VaultTestCase

ROWS = int(os.environ.get("JV_CRASH_ROWS", "6000"))
BATCH = "200"


def comparable(report):
    r = dict(report)
    for k in ("seconds", "ok"):
        r.pop(k, None)
    return r


class ImportCrashTest(VaultTestCase):
    def copy_of_vault_db(self):
        """A connection to a copy of the vault's database with its journal or WAL."""
        peek = os.path.join(self.tmp, "peek")
        shutil.rmtree(peek, ignore_errors=True)
        os.makedirs(peek)
        for suffix in ("", "-journal", "-wal"):
            src = os.path.join(self.vault, "vault.db" + suffix)
            if os.path.exists(src):
                shutil.copy(src, os.path.join(peek, "vault.db" + suffix))
        return sqlite3.connect(os.path.join(peek, "vault.db"))

    def run_import(self, vault, path, env):
        cmd = [JADEVAULT, "--vault", vault, "import", path, "--batch-rows", BATCH,
               "--import-date", fx.IMPORT_DATE, "--json"]
        return subprocess.run(cmd, env=env, capture_output=True, timeout=600)

    def test_kill_9_then_resume_gives_the_uninterrupted_report(self):
        path = os.path.join(self.tmp, "big.csv")
        with open(path, "wb") as f:
            f.write(b"\xef\xbb\xbf" + fx.csv_text(fx.generated_rows(ROWS)).encode("utf-8"))
        env = dict(self.env)
        env["JADEVAULT_PASSPHRASE"] = PASSPHRASE

        # The reference: an uninterrupted run on another vault.
        clean_vault = os.path.join(self.tmp, "clean")
        self.jv_ok("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14", "--json",
                   vault=clean_vault)
        t0 = time.monotonic()
        clean = self.run_import(clean_vault, path, env)
        duration = time.monotonic() - t0
        self.assertEqual(clean.returncode, 0, clean.stderr.decode())
        want = json.loads(clean.stdout)
        self.assertGreater(want["subjects_created"], 0)
        self.assertGreater(want["rows_merged"], 0)
        self.assertGreater(want["rows_rejected"], 0)

        rnd = random.Random(int(os.environ.get("JV_CRASH_SEED", "20250630")))
        # Kills land at random moments within the reference run's duration. A run can be
        # faster than the reference (the host's load moves), and then finish before the
        # first kill: start again on a new vault with kills drawn from a shorter span.
        for span in (0.9, 0.45, 0.2):
            self.vault = os.path.join(self.tmp, "vault-%g" % span)
            self.init()
            kills = 0
            resumable = 0  # kills that left committed batches of a running import
            got = None
            for attempt in range(12):
                cmd = [JADEVAULT, "--vault", self.vault, "import", path, "--batch-rows", BATCH,
                       "--import-date", fx.IMPORT_DATE, "--json"]
                proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE)
                if attempt < 4:
                    time.sleep(rnd.uniform(0.05, max(0.1, duration * span)))
                    if proc.poll() is None:
                        proc.send_signal(signal.SIGKILL)
                        kills += 1
                out, err = proc.communicate(timeout=600)
                if proc.returncode == -signal.SIGKILL:
                    # Looked at in a copy: a kill during the bulk load can leave a hot
                    # rollback journal, which any reader must first roll back (so it needs
                    # write access); the original is left for the next jadevault run.
                    db = self.copy_of_vault_db()
                    if db.execute(
                            "SELECT count(*) FROM sources WHERE status = 'running'").fetchone()[0]:
                        resumable += 1
                    db.close()
                if proc.returncode == 0:
                    got = json.loads(out)
                    break
                if proc.returncode == 4 and b"already imported" in err:
                    # Killed after the final commit, before printing: the stored report.
                    got = json.loads(out)["previous_report"]
                    break
                self.assertEqual(proc.returncode, -signal.SIGKILL, err.decode())
            if kills >= 1:
                break
        self.assertIsNotNone(got, "the import never finished")
        self.assertGreaterEqual(kills, 1, "no kill landed; the import was too fast")
        self.assertGreaterEqual(resumable, 1, "no kill landed between two committed batches")
        self.assertEqual(comparable(got), comparable(want))

        # The vaults hold the same subjects, records and keys, and decrypt completely.
        a = self.jv_ok("keys", "check", "--json", vault=clean_vault).json()
        b = self.jv_ok("keys", "check", "--json").json()
        self.assertTrue(b["ok"])
        for k in ("subjects", "records", "data_keys", "failed"):
            self.assertEqual(a[k], b[k], k)
        self.jv_ok("audit", "verify", "--json")
        # Exactly one import audit entry, and the source is complete: a re-run is refused.
        r = self.jv("import", path, "--json")
        self.assertEqual(r.code, 4)
