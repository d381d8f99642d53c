"""End to end: AML cash-day flags, retention plan and run, litigation holds (issue 5 parts 6-7;
SPEC §7 "Retention"; RULEBOOK §7 M2/M5, §10, P47).

Customers and transactions are small handmade synthetic CSVs (made-up names, 139 0000 xxxx
mobiles, ID numbers with valid check digits but made-up serials). One customer pays
¥120,000 cash at once, one pays ¥60,000 + ¥40,000 cash on the same day, one ¥99,999.99 in
cash on one day (below) plus a card payment, and two have no transactions.
The case's closing date is given with --closed-on (the vault has no `liquidation close` yet).
"""
import json
import os
import sqlite3
import unittest

from jvtest import VaultTestCase


def id_number(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[s % 11]


# key, name, mobile, ID number (synthetic).
PEOPLE = [
    ("single", "测试甲", "13900000001", id_number("11010519850312001")),
    ("summed", "测试乙", "13900000002", id_number("11010519900101002")),
    ("below", "测试丙", "13900000003", id_number("31010419780505003")),
    ("plain", "测试丁", "13900000004", id_number("44030519920909004")),
    ("held", "测试戊", "13900000005", id_number("44030519920909005")),
]

TRANSACTIONS = [
    # mobile, date, amount (yuan), payment method, receipt
    ("13900000001", "2025-03-01", "120000.00", "现金", "R0001"),
    ("13900000002", "2025-05-02", "60000.00", "现金", "R0002"),
    ("13900000002", "2025-05-02", "40000.00", "现金", "R0003"),
    ("13900000002", "2025-05-03", "500.00", "刷卡", "R0004"),
    ("13900000003", "2025-05-02", "99999.99", "现金", "R0005"),
    ("13900000003", "2025-05-02", "90000.00", "刷卡", "R0006"),
]

CLOSED_ON = "2026-06-30"
AS_OF = "2027-06-30"  # one year after closing


class RetentionTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.env["JADEVAULT_FAKE_NOW"] = "2026-05-01T02:00:00Z"

    def at(self, rfc3339):
        env = dict(self.env)
        env["JADEVAULT_FAKE_NOW"] = rfc3339
        return env


    def find(self, mobile):
        subs = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()["subjects"]
        return subs

    def data_keys(self):
        db = sqlite3.connect("file:%s?mode=ro" % os.path.join(self.vault, "vault.db"), uri=True)
        try:
            return {(s, c): bytes(w) for s, c, w in
                    db.execute("SELECT subject_id, key_class, wrapped FROM data_keys")}
        finally:
            db.close()

    def plan(self, *extra, env=None):
        return self.jv_ok("retention", "plan", "--as-of", AS_OF, "--closed-on", CLOSED_ON,
                          "--json", *extra, env=env).json()

    def test_flags_plan_run_holds(self):
        self.init(case="liquidation")
        customers = "姓名,手机,身份证号,戒指尺寸\n" + "".join(
            "%s,%s,%s,12\n" % (n, m, i) for _, n, m, i in PEOPLE)
        txns = "手机,交易日期,消费金额,支付方式,单号\n" + "".join(
            ",".join(t) + "\n" for t in TRANSACTIONS)
        self.jv_ok("import", self.write("customers.csv", customers), "--json")
        rep = self.jv_ok("import", self.write("txns.csv", txns), "--kind", "transactions",
                         "--json").json()
        self.assertEqual(rep["rows_imported"], len(TRANSACTIONS))
        ids = {}
        for key, _, mobile, _ in PEOPLE:
            found = self.find(mobile)
            self.assertEqual(len(found), 1)
            ids[key] = found[0]["id"]

        # AML: both the single and the summed cash day are flagged, the one below is not.
        dry = self.jv_ok("retention", "aml-scan", "--dry-run", "--json").json()
        self.assertEqual(sorted(dry["flagged"]), sorted([ids["single"], ids["summed"]]))
        self.assertEqual(dry["flagged_subjects"], 2)
        self.assertEqual(dry["flagged_days"], 2)
        self.assertEqual(dry["records_written"], 0)
        self.assertEqual(dry["cash_transactions"], 4)

        # A hold on one customer.
        r = self.jv("holds", "add", "--reason", "x", "--json")
        self.assertEqual(r.code, 4)
        hold = self.jv_ok("holds", "add", "--subject", ids["held"], "--reason",
                          "(2026)测试01民初1号", "--json").json()
        self.assertEqual(hold["status"], "active")
        self.assertEqual([h["id"] for h in self.jv_ok("holds", "list", "--json").json()["holds"]],
                         [hold["id"]])

        # Before the closing date is known, nothing is due.
        open_plan = self.jv_ok("retention", "plan", "--as-of", AS_OF, "--json").json()
        self.assertIsNone(open_plan["closed_on"])
        self.assertEqual(open_plan["fully_deletable"], 0)
        self.assertEqual(open_plan["restricted"], 0)

        plan = self.plan("--detail")
        self.assertEqual(plan["closed_on"], CLOSED_ON)
        self.assertEqual(plan["closed_on_source"], "option")
        self.assertEqual(plan["aml"]["flagged"], 2)
        self.assertEqual(plan["locks"]["aml_10y"], 2)
        self.assertEqual(plan["locks"]["accounting_30y"], 3)
        self.assertEqual(plan["locks"]["hold"], 1)
        self.assertEqual(plan["fully_deletable"], 1)  # plain
        self.assertEqual(plan["restricted"], 3)       # single, summed, below
        self.assertEqual(plan["unchanged"], 1)        # held
        due_profile = set(plan["due"]["profile"]["subject_ids"])
        self.assertEqual(due_profile, {ids[k] for k in ("single", "summed", "below", "plain")})
        self.assertNotIn("aml_10y", plan["due"])
        self.assertNotIn("accounting_30y", plan["due"])
        by_id = {s["id"]: s for s in plan["subjects"]}
        for key in ("single", "summed"):
            classes = {c["key_class"]: c for c in by_id[ids[key]]["classes"]}
            self.assertTrue(by_id[ids[key]]["aml_flagged"])
            self.assertTrue(classes["profile"]["due"])
            self.assertFalse(classes["aml_10y"]["due"])
            self.assertFalse(classes["accounting_30y"]["due"])
        self.assertNotIn("aml_10y", {c["key_class"] for c in by_id[ids["below"]]["classes"]})

        # The run refuses a date after today, and writes nothing then.
        r = self.jv("retention", "run", "--as-of", AS_OF, "--closed-on", CLOSED_ON, "--json")
        self.assertEqual(r.code, 4)

        keys_before = self.data_keys()
        later = self.at("2027-07-01T04:00:00Z")
        run = self.jv_ok("retention", "run", "--as-of", AS_OF, "--closed-on", CLOSED_ON,
                         "--json", env=later).json()
        self.assertEqual(run["aml"]["records_written"], 2)
        self.assertEqual(run["shredded"], plan["fully_deletable"])
        self.assertEqual(run["restricted"], plan["restricted"])
        self.assertEqual(run["data_keys_deleted"], len(due_profile))
        for cls, d in plan["due"].items():
            self.assertEqual(sorted(run["plan"]["due"][cls]["subject_ids"]),
                             sorted(d["subject_ids"]))
        self.assertEqual(set(run["plan"]["due"]), set(plan["due"]))

        # Exactly the due keys are gone (from the database files, not only the table).
        keys_after = self.data_keys()
        blob = self.vault_bytes()
        for (sid, cls), wrapped in keys_before.items():
            if cls == "profile" and sid in due_profile:
                self.assertNotIn((sid, cls), keys_after)
                self.assertNotIn(wrapped, blob, "a destroyed wrapped key is still in the files")
            else:
                self.assertEqual(keys_after.get((sid, cls)), wrapped)
        for key in ("single", "summed"):
            self.assertIn((ids[key], "aml_10y"), keys_after)

        # What is left, as `subjects show` sees it.
        plain = self.jv_ok("subjects", "show", ids["plain"], "--json").json()
        self.assertEqual(plain["state"], "shredded")
        self.assertEqual(plain["records"], [])
        self.assertEqual(self.find("13900000004"), [])
        held = self.jv_ok("subjects", "show", ids["held"], "--json").json()
        self.assertEqual(held["state"], "active")
        self.assertIn("name", held["masked"])
        for key in ("single", "summed"):
            s = self.jv_ok("subjects", "show", ids[key], "--json").json()
            self.assertEqual(s["state"], "restricted")
            self.assertTrue(s["restricted"])
            self.assertEqual(s["masked"], {})
            self.assertEqual({r["key_class"] for r in s["records"]}, {"accounting_30y", "aml_10y"})
            aml = [r for r in s["records"] if r["key_class"] == "aml_10y"][0]
            self.assertIn("id_number", aml["fields"])
            self.assertNotIn("ring_size", aml["fields"])
        below = self.jv_ok("subjects", "show", ids["below"], "--json").json()
        self.assertEqual(below["state"], "restricted")
        self.assertEqual({r["key_class"] for r in below["records"]}, {"accounting_30y"})

        # Restricted data: only through --reveal with --purpose and --reason.
        r = self.jv("subjects", "show", ids["summed"], "--reveal", "name", "--reason", "检查",
                    "--json")
        self.assertEqual(r.code, 5)
        r = self.jv("subjects", "show", ids["summed"], "--reveal", "name", "--purpose", "aml",
                    "--json")
        self.assertEqual(r.code, 5)
        rev = self.jv_ok("subjects", "show", ids["summed"], "--reveal", "id_number", "--purpose",
                         "aml_inquiry", "--reason", "监管检查（测试）", "--json").json()
        self.assertEqual(rev["revealed"]["id_number"], PEOPLE[1][3])

        # The hold blocked deletion; released, the next run shreds the customer.
        self.jv_ok("holds", "release", hold["id"], "--reason", "判决生效", "--json")
        self.assertEqual(self.jv_ok("holds", "list", "--json").json()["holds"], [])
        self.assertEqual(self.jv("holds", "release", hold["id"], "--reason", "again").code, 5)
        plan2 = self.plan(env=later)
        self.assertEqual(plan2["fully_deletable"], 1)
        self.assertEqual(plan2["due"]["profile"]["subject_ids"], [ids["held"]])
        run2 = self.jv_ok("retention", "run", "--as-of", AS_OF, "--closed-on", CLOSED_ON,
                          "--json", env=later).json()
        self.assertEqual(run2["shredded"], 1)
        self.assertEqual(run2["aml"]["records_written"], 0)
        self.assertEqual(self.jv_ok("subjects", "show", ids["held"], "--json").json()["state"],
                         "shredded")

        # Every step is audited, without personal data, and the log verifies.
        out = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", out, "--json")
        with open(out, encoding="utf-8") as f:
            log = f.read()
        for action in ("aml.scan", "hold.add", "hold.release", "retention.plan", "retention.run",
                       "subject.shred", "subject.reveal"):
            self.assertIn('"%s"' % action, log)
        for _, name, mobile, idn in PEOPLE:
            self.assertNotIn(name, log)
            self.assertNotIn(mobile, log)
            self.assertNotIn(idn, log)
        self.assertEqual(self.jv("audit", "verify", "--json").code, 0)


if __name__ == "__main__":
    unittest.main()
