"""The staff flow in Debian's headless Chromium through playwright-core (issue 6 item 6).

Sets up a vault with a DPO (TOTP), a transfer with one recipient, starts `jadevault serve`,
and runs tests/browser/staff_flow.js: sign in with a TOTP code the flow computes, import a
synthetic CSV (progress bar, report), search a mobile (masked), edit the notice template
(live preview and element check), plan and send through the file channel, then the tablet
width and the English switch. Checks the flow's JSON line and screenshots, and that the
import and the campaign happened in the vault (the CLI and the outbox).

Needs Chromium and `npm ci` in tests/browser; without them the test skips, or fails when
JV_REQUIRE_BROWSER=1.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import browser
import import_fixtures as fx
import staff_server

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROWSER_DIR = os.path.join(ROOT, "tests", "browser")
ROWS = 400


def mask_mobile(m):
    return m[:3] + "****" + m[7:]


class BrowserStaffTest(unittest.TestCase):
    def setUp(self):
        self.chromium = browser.require_chromium(self)
        node = shutil.which("node")
        pw = os.path.join(BROWSER_DIR, "node_modules", "playwright-core")
        if node is None or not os.path.isdir(pw):
            msg = "needs node and `npm ci` in tests/browser (playwright-core)"
            if os.environ.get("JV_REQUIRE_BROWSER") == "1":
                self.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
            self.skipTest(msg)
        self.node = node
        self.tmp = tempfile.mkdtemp(prefix="jv-it-browser-staff-")
        self.shots = os.environ.get("JV_SHOTS_DIR") or os.path.join(self.tmp, "shots")
        os.makedirs(self.shots, exist_ok=True)
        for f in os.listdir(self.shots):
            if f.startswith("staff-"):
                os.remove(os.path.join(self.shots, f))
        self.s = staff_server.StaffServer(self.tmp)

    def tearDown(self):
        self.s.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_staff_flow(self):
        s = self.s
        rows = fx.generated_rows(ROWS, seed=11)
        csv = os.path.join(self.tmp, "门店客户.csv")
        with open(csv, "wb") as f:
            f.write(b"\xef\xbb\xbf" + fx.csv_text(rows).encode())
        mobile = next(r[5] for r in rows if len(r[5]) == 11 and r[5].isdigit())
        # The transfer is set up on the CLI; the allocation needs the customers, so a tiny
        # first file is imported there too and allocated, and the flow's import adds more.
        recipient = s.setup_transfer()
        first = os.path.join(self.tmp, "first.csv")
        with open(first, "wb") as f:
            f.write(fx.csv_utf8_bom_crlf())
        s.cli("import", first, "--json")
        s.cli("allocate", "--recipient", recipient, "--all", "--json")

        env = dict(os.environ, JV_URL=s.url, JV_SHOTS=self.shots, JV_CHROMIUM=self.chromium,
                   JV_USER="dpo1", JV_PASSWORD=staff_server.PASSWORD,
                   JV_TOTP_SECRET=s.users["dpo1"]["totp_secret"], JV_IMPORT_FILE=csv,
                   JV_SEARCH_MOBILE=mobile, JV_EXPECT_MASKED=mask_mobile(mobile))
        p = subprocess.run([self.node, os.path.join(BROWSER_DIR, "staff_flow.js")], env=env,
                           capture_output=True, text=True, timeout=600, cwd=BROWSER_DIR)
        self.assertEqual(p.returncode, 0, p.stderr + p.stdout)
        facts = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertTrue(facts["ok"])
        self.assertEqual(facts["rows_read"], ROWS)
        self.assertGreater(facts["report_rejected"], 0)
        self.assertEqual(facts["masked"], mask_mobile(mobile))
        self.assertIn("Overview", facts["lang_en_nav"])
        names = ["login", "import", "search", "template-check", "template-preview", "plan",
                 "send", "tablet-768", "english"]
        self.assertEqual(facts["shots"],
                         [f"staff-{i + 1:02d}-{n}.png" for i, n in enumerate(names)])
        for f in facts["shots"]:
            with open(os.path.join(self.shots, f), "rb") as fh:
                data = fh.read()
            self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n", f)
            self.assertGreater(len(data), 5000, f)
        # The import and the campaign happened in the vault.
        exported = os.path.join(self.tmp, "audit.jsonl")
        s.cli("audit", "export", "--out", exported, "--json")
        with open(exported, encoding="utf-8") as f:
            entries = [json.loads(l) for l in f if l.strip()]
        web_imports = [e for e in entries if e["action"] == "import" and e["actor"] == "user:dpo1"]
        self.assertEqual(len(web_imports), 1)
        sends = [e for e in entries if e["action"] == "notices.send" and e["actor"] == "user:dpo1"]
        self.assertEqual(len(sends), 1)
        self.assertGreater(facts["planned"], 0)
        self.assertGreater(facts["sent"], 0)
        outbox = os.path.join(s.vault, "outbox")
        self.assertTrue(any(f.startswith("sms-") for f in os.listdir(outbox)))
        with open(os.path.join(outbox, sorted(os.listdir(outbox))[-1]), encoding="utf-8") as f:
            self.assertIn("门店咨询电话见会员卡背面", f.read())
        found = s.cli("subjects", "find", "--mobile", mobile, "--json")
        self.assertGreaterEqual(len(found["subjects"]), 1)


if __name__ == "__main__":
    unittest.main()
