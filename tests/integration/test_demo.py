"""`jadevault demo` end to end: the transfer runs to the deletion certificate and the
liquidation vault beside it holds what the demo's JSON says (checked with the ordinary
commands on each vault the demo made). All data is synthetic (datagen inside the demo)."""
import json
import os
import unittest

from jvtest import VaultTestCase

DEMO_PASSPHRASE = "jadevault-demo"


class DemoTest(VaultTestCase):
    def run_demo(self):
        # No passphrase in the environment: the demo uses its own default one.
        r = self.jv("demo", "--rows", "200", "--json", passphrase=None)
        self.assertEqual(r.code, 0, r.stderr.decode(errors="replace"))
        return json.loads(r.stdout)  # exactly one document

    def cli(self, vault, *args):
        return self.jv_ok(*args, "--json", vault=vault, passphrase=DEMO_PASSPHRASE).json()

    def test_transfer_runs_to_the_certificate(self):
        doc = self.run_demo()
        t = doc["transfer"]
        self.assertTrue(t["gate_open"])
        self.assertGreater(t["allocated"], 0)
        self.assertEqual(t["package"]["subjects"], t["allocated"])
        self.assertEqual(t["imported_by_recipient"], t["allocated"])
        self.assertEqual(t["transferred"], t["allocated"])
        self.assertEqual(t["shredded"] + t["restricted"], t["transferred"])
        self.assertTrue(os.path.exists(t["certificate"]))
        self.assertTrue(os.path.exists(t["certificate"] + ".sig"))
        self.assertTrue(t["pipia"].startswith("pia_"))
        # Every vault the demo made verifies with `audit verify`.
        for v in (self.vault, t["recipient_vault"], doc["liquidation"]["vault"]):
            report = self.cli(v, "audit", "verify")
            self.assertTrue(report["ok"], v)
            self.assertGreater(report["entries"], 0, v)

    def test_liquidation_section_matches_its_vault(self):
        doc = self.run_demo()
        liq = doc["liquidation"]
        lv = liq["vault"]
        self.assertEqual(lv, self.vault + ".liquidation")
        self.assertTrue(liq["audit"]["ok"])
        # Deadlines: the same table, with the Spring Festival moves.
        dl = self.cli(lv, "liquidation", "deadlines")
        self.assertEqual(len(dl["deadlines"]), liq["deadlines"])
        moved = [d for d in dl["deadlines"] if d.get("adjusted_from")]
        self.assertEqual(len(moved), liq["deadlines_moved_by_holidays"])
        self.assertGreater(len(moved), 0)
        self.assertEqual(dl["closed_on"], liq["closed_on"])
        # Creditors: what the command shows now equals what the demo saw after its run,
        # and the run can only have made the ledger smaller.
        cr = self.cli(lv, "liquidation", "creditors")
        after = liq["creditors_after_retention"]
        self.assertEqual(len(cr["subjects"]), after["count"])
        self.assertEqual(cr["prepaid_holders"], after["prepaid_holders"])
        self.assertEqual(cr["total_prepaid_fen"], after["total_prepaid_fen"])
        self.assertEqual(cr["item_owners"], after["item_owners"])
        before = liq["creditors"]
        self.assertGreater(before["count"], 0)
        self.assertGreater(before["total_prepaid_fen"], 0)
        self.assertLessEqual(after["count"], before["count"])
        # One claim, verified; one item returned.
        claims = self.cli(lv, "claims", "list")
        self.assertEqual(claims["count"], 1)
        self.assertEqual(claims["claims"][0]["id"], liq["claim"]["id"])
        self.assertEqual(claims["claims"][0]["status"], "verified")
        self.assertEqual(liq["claim"]["status"], "verified")
        items = self.cli(lv, "items", "list")
        self.assertEqual(items["returned"], 1)
        self.assertEqual([i["id"] for i in items["items"] if i["status"] == "returned"],
                         [liq["item_returned"]])
        # Retention: the plan's counts add up; the run destroyed keys and ended the epoch.
        plan = liq["retention_plan"]
        self.assertEqual(plan["fully_deletable"] + plan["restricted"] + plan["unchanged"],
                         plan["subjects_with_data"])
        run = liq["retention_run"]
        self.assertEqual(run["shredded"], plan["fully_deletable"])
        self.assertEqual(run["restricted"], plan["restricted"])
        self.assertGreater(run["data_keys_deleted"], 0)
        self.assertTrue(run["backup_needed"])
        self.assertEqual(run["backup_epoch_ended"], liq["backup"]["epoch"])

    def test_rerun_reports_without_redoing(self):
        self.run_demo()
        again = self.run_demo()
        self.assertIn("skipped", again["transfer"])
        self.assertIn("skipped", again["liquidation"])


if __name__ == "__main__":
    unittest.main()
