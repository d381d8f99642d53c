"""The staff case pages in Debian's headless Chromium through playwright-core (issue 6 item 3).

Makes a liquidation vault that also has a transfer (recipient, allocation) and two open
requests — one received 2026-09-24 (due 2026-10-22, overdue by the real clock this test runs
on) and one received today — starts `jadevault serve` and runs tests/browser/cases_flow.js as
a DPO with TOTP (the flow computes the code). Checks the flow's facts and then the vault
through the CLI: the refusal, the new request with its holiday-aware due date, the response,
and the hold added and released, all made in the browser.

Needs Chromium, `npm ci` in tests/browser, and the staff shell (app.js) with the case pages'
<script> lines in index.html; without them the test skips, or fails when JV_REQUIRE_BROWSER=1. Customers are synthetic (import_fixtures).
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import browser
import import_fixtures as fx
import jvtest

J = jvtest.JADEVAULT
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
PASSWORD = "synthetic password for tests 测试"
USCC = "91350100M000100Y43"
PAGES = ["recipients", "responses", "requests", "liquidation", "retention", "checklist"]


class BrowserCasesTest(unittest.TestCase):
    def setUp(self):
        self.chromium = browser.require_chromium(self)
        node = shutil.which("node")
        pw = os.path.join(BROWSER_DIR, "node_modules", "playwright-core")
        if node is None or not os.path.isdir(pw) or not shutil.which("age-keygen"):
            msg = "needs node, `npm ci` in tests/browser (playwright-core) and age-keygen"
            if os.environ.get("JV_REQUIRE_BROWSER") == "1":
                self.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
            self.skipTest(msg)
        self.node = node
        # The pages load only once index.html has their <script> lines (docs/design/ui_cases.md)
        # and app.js is the staff shell (JV.register).
        static = os.path.join(ROOT, "src", "server", "static")
        with open(os.path.join(static, "index.html"), encoding="utf-8") as f:
            index = f.read()
        with open(os.path.join(static, "app.js"), encoding="utf-8") as f:
            shell = f.read()
        missing = [p for p in PAGES if f"/static/page_{p}.js" not in index]
        if missing or "JV.register" not in shell:
            msg = "index.html / app.js lack the staff shell or the case pages: %s" % missing
            if os.environ.get("JV_REQUIRE_BROWSER") == "1":
                self.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
            self.skipTest(msg)
        self.tmp = tempfile.mkdtemp(prefix="jv-it-browser-cases-")
        self.vault = os.path.join(self.tmp, "vault")
        self.shots = os.environ.get("JV_SHOTS_DIR") or os.path.join(self.tmp, "shots")
        os.makedirs(self.shots, exist_ok=True)
        self.env = dict(os.environ, JADEVAULT_PASSPHRASE=jvtest.PASSPHRASE)
        self.env.pop("JADEVAULT_FAKE_NOW", None)  # TOTP against the real clock
        self.proc = None

    def tearDown(self):
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            finally:
                self.proc.stdout.close()
                self.proc.stderr.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def cli(self, *args):
        p = subprocess.run([J, "--vault", self.vault] + list(args), env=self.env,
                           capture_output=True, timeout=600)
        self.assertEqual(p.returncode, 0, (args[:2], p.stderr.decode(errors="replace")))
        return json.loads(p.stdout)

    def prepare(self):
        self.cli("init", "--company", "某某珠宝有限公司", "--case", "liquidation",
                 "--scrypt-log-n", "14", "--json")
        csv = os.path.join(self.tmp, "customers.csv")
        with open(csv, "wb") as f:
            f.write(fx.csv_utf8_bom_crlf())
        self.cli("import", csv, "--import-date", fx.IMPORT_DATE, "--json")
        self.cli("transfer", "setup", "--reason", "dissolution", "--objection-days", "30",
                 "--json")
        key = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
        age = next(l[l.index("age1"):].split()[0] for l in
                   (key.stdout + key.stderr).splitlines() if "age1" in l)
        rc = self.cli("recipients", "add", "--name", "接收珠宝有限公司", "--uscc", USCC,
                      "--contact-name", "王经理", "--contact-phone", "010-12345678",
                      "--address", "北京市东城区某路9号", "--region", "CN",
                      "--age-recipient", age, "--json")
        self.cli("allocate", "--recipient", rc["id"], "--all", "--json")
        # 2026-09-20 + 15 days = 10-05 and + 4 weeks = 10-18 fall on holidays / a Sunday:
        # the deadlines page marks them as moved.
        self.cli("liquidation", "setup", "--type", "dissolution", "--dissolution-date",
                 "2026-09-20", "--json")
        pwf = os.path.join(self.tmp, "pw")
        with open(pwf, "w") as f:
            f.write(PASSWORD + "\n")
        self.dpo = self.cli("users", "add", "dpo1", "--role", "dpo", "--password-file", pwf,
                            "--totp", "--scrypt-log-n", "12", "--json")
        found = self.cli("subjects", "find", "--mobile", "13900139000", "--json")
        self.subject = found["subjects"][0]["id"]
        self.overdue = self.cli("requests", "open", "--subject", self.subject, "--type",
                                "access", "--via", "phone", "--received", "2026-09-24",
                                "--json")["id"]
        self.fresh = self.cli("requests", "open", "--subject", self.subject, "--type",
                              "explanation", "--via", "letter", "--json")["id"]

    def serve(self):
        self.proc = subprocess.Popen(
            [J, "--vault", self.vault, "serve", "--listen", "127.0.0.1:0", "--json"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            self.fail("serve did not start: " + self.proc.stderr.read().decode())
        return "https://127.0.0.1:%d" % json.loads(line)["port"]

    def test_case_pages(self):
        self.prepare()
        url = self.serve()
        env = dict(os.environ, JV_URL=url, JV_SHOTS=self.shots, JV_CHROMIUM=self.chromium,
                   JV_USER="dpo1", JV_PASSWORD=PASSWORD,
                   JV_TOTP_SECRET=self.dpo["totp_secret"], JV_OVERDUE_ID=self.overdue,
                   JV_FRESH_ID=self.fresh, JV_SUBJECT=self.subject)
        p = subprocess.run([self.node, os.path.join(BROWSER_DIR, "cases_flow.js")], env=env,
                           capture_output=True, text=True, timeout=600, cwd=BROWSER_DIR)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        facts = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertTrue(facts["ok"])
        self.assertEqual(facts["overdue_card"], "1")
        self.assertGreaterEqual(facts["moved_deadlines"], 1)
        self.assertLessEqual(facts["tablet_overflow_px"], 0)
        shots = sorted(f for f in os.listdir(self.shots) if f.startswith("cases-"))
        self.assertEqual(len(shots), 11, shots)
        self.assertFalse([f for f in shots if "-fail-" in f])
        # What the browser did is in the vault.
        reqs = {r["id"]: r for r in self.cli("requests", "list", "--json")["requests"]}
        self.assertEqual(reqs[self.fresh]["status"], "refused")
        self.assertTrue(reqs[self.fresh]["has_reason"])
        new = [r for r in reqs.values() if r["id"] not in (self.overdue, self.fresh)]
        self.assertEqual([(r["type"], r["received"], r["due"]) for r in new],
                         [("copy", "2026-09-24", "2026-10-22")])
        holds = self.cli("holds", "list", "--include-released", "--json")["holds"]
        self.assertEqual([(h["subject"], h["status"]) for h in holds],
                         [(self.subject, "released")])
        out = os.path.join(self.tmp, "audit.jsonl")
        self.cli("audit", "export", "--out", out, "--json")
        with open(out, encoding="utf-8") as f:
            entries = [json.loads(l) for l in f if l.strip()]
        text = json.dumps(entries, ensure_ascii=False)
        self.assertTrue(all(e["actor"] == "user:dpo1" for e in entries
                            if e["action"] in ("request.refuse", "hold.add", "hold.release")))
        for action in ("request.refuse", "request.open", "response.record", "hold.add",
                       "hold.release"):
            self.assertIn(action, text)
        self.assertNotIn("无法核实申请人身份", text)


if __name__ == "__main__":
    unittest.main()
