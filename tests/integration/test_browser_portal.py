"""Browser test: the customer portal on a phone viewport with Playwright (playwright-core) and
Debian's Chromium (issue 6 item 6; tests/browser/portal_flow.js).

Sets up a vault with a transfer under way (portal_env.py), starts `serve --portal-channel file`,
runs `node tests/browser/portal_flow.js` with the server URL, the outbox and the customer's
mobile, then checks the flow's JSON line, that every step left a non-empty screenshot, and that
the objection made in the browser shows on `jadevault subjects show`. Without node, Chromium or
playwright-core the test is skipped — or fails when JV_REQUIRE_BROWSER=1.
"""
import json
import os
import shutil
import subprocess
import unittest

import browser
import portal_env as pe
from jvtest import SOURCE_DIR, VaultTestCase

BROWSER_DIR = os.path.join(SOURCE_DIR, "tests", "browser")


def require_node(tc):
    missing = []
    if shutil.which("node") is None:
        missing.append("node")
    if not os.path.isdir(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
        missing.append("playwright-core (run `npm ci` in tests/browser)")
    if missing:
        msg = "needs " + ", ".join(missing)
        if os.environ.get("JV_REQUIRE_BROWSER") == "1":
            tc.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
        tc.skipTest(msg)


class BrowserPortalTest(VaultTestCase):
    def test_phone_flow_code_view_object(self):
        chromium = browser.require_chromium(self)
        require_node(self)
        if not all(shutil.which(t) for t in ("age", "age-keygen")):
            msg = "needs the age and age-keygen tools for the transfer set-up"
            if os.environ.get("JV_REQUIRE_BROWSER") == "1":
                self.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
            self.skipTest(msg)
        pe.setup_transfer(self)
        outbox = os.path.join(self.tmp, "portal-outbox")
        # JV_SHOTS_DIR keeps the screenshots after the run (CI artifacts); default: the temp dir.
        shots = os.environ.get("JV_SHOTS_DIR") or os.path.join(self.tmp, "shots")
        server = pe.Server(self.vault, self.env, outbox)
        name, number, _ = pe.CUSTOMERS[0]
        try:
            env = dict(os.environ, JV_URL=server.url, JV_SHOTS=shots, JV_CHROMIUM=chromium,
                       JV_PORTAL_MOBILE="+86 " + number[:3] + " " + number[3:7] + " " +
                       number[7:], JV_PORTAL_NUMBER=number, JV_PORTAL_OUTBOX=outbox)
            proc = subprocess.run(["node", os.path.join(BROWSER_DIR, "portal_flow.js")],
                                  env=env, capture_output=True, timeout=180, cwd=BROWSER_DIR)
        finally:
            server.stop()
        self.assertEqual(proc.returncode, 0, proc.stderr.decode(errors="replace")[-2000:])
        facts = json.loads(proc.stdout.decode().strip().splitlines()[-1])
        self.assertTrue(facts["ok"])
        self.assertEqual(facts["masked_mobile"], number[:3] + "****" + number[7:])
        self.assertTrue(facts["objected"])
        self.assertIn("转移", facts["notice_kind"])
        steps = ["open", "mobile", "code", "my-data", "english", "object"]
        for i, step in enumerate(steps, 1):
            path = os.path.join(shots, "portal-%02d-%s.png" % (i, step))
            self.assertTrue(os.path.isfile(path), path)
            with open(path, "rb") as f:
                stats = browser.png_stats(f.read())
            self.assertEqual(stats["width"], 375, step)  # phone viewport (device scale 1)
            self.assertGreater(max(stats["variance"]), 1.0, step)
            self.assertGreaterEqual(stats["ink_rows"], 20, step)
        found = self.jv_ok("subjects", "find", "--mobile", number, "--json").json()["subjects"]
        self.assertEqual(len(found), 1)
        shown = self.jv_ok("subjects", "show", found[0]["id"], "--json").json()
        self.assertEqual(shown["state"], "objected")


if __name__ == "__main__":
    unittest.main()
