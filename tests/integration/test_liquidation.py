"""End to end: liquidation settings and statutory deadlines (incl. 2026 holidays), the
EBL 45 claims-period check, customer-creditors on a generated customer export with a
储值余额 column (expected figures computed here from the file, independently of the
importer), items and transactions matched by mobile, item returns, claims with the refund
freeze, creditor notices through the file outbox, and `audit verify` at the end.

All customers are synthetic (jadevault datagen, or obviously fake rows written here).
"""
import csv
import glob
import json
import os
import re
import unicodedata

from jvtest import VaultTestCase


def audit_text(case):
    out = os.path.join(case.tmp, "audit-%d.jsonl" % len(os.listdir(case.tmp)))
    case.jv_ok("audit", "export", "--out", out, "--json")
    with open(out, encoding="utf-8") as f:
        return f.read()


def deadlines_by_id(doc):
    return {d["id"]: d for d in doc["deadlines"]}


def norm(cell):
    """SPEC §5.3: NFKC, then trim white space including U+3000."""
    return unicodedata.normalize("NFKC", cell).strip(" \t\r\n\u3000\u00a0")


def mobile_of(cell):
    """SPEC §5.3 mobile rule; None if not valid."""
    s = re.sub(r"[\s\-()]", "", norm(cell))
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) - len(prefix) == 11:
            s = s[len(prefix):]
            break
    return s if re.fullmatch(r"1[3-9][0-9]{9}", s) else None


def fen_of(cell):
    """Decimal yuan with optional ¥/元/thousands separators -> fen; None if not an amount."""
    s = norm(cell).replace("¥", "").replace("元", "").replace(" ", "")
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?", s)
    if not m:
        return None
    yuan = int(m.group(1).replace(",", ""))
    cents = (m.group(2) or "0").ljust(2, "0")
    return yuan * 100 + int(cents)


class LiquidationDeadlinesTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init(case="liquidation")

    def test_dissolution_deadlines_in_the_spring_festival(self):
        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-02-05", "--json")
        doc = self.jv_ok("liquidation", "deadlines", "--json").json()
        d = deadlines_by_id(doc)
        self.assertEqual(set(d), {"publicity", "group_formed", "creditor_notice", "announcement",
                                  "claims_deadline_notified", "claims_deadline_announced"})
        # D+10 = 02-15 and D+15 = 02-20 fall in the Spring Festival (02-15..02-23): 02-24.
        self.assertEqual((d["publicity"]["due"], d["publicity"]["rule"]), ("2026-02-24", "CL 229"))
        self.assertEqual(d["publicity"]["adjusted_from"], "2026-02-15")
        self.assertEqual((d["group_formed"]["due"], d["group_formed"]["rule"]),
                         ("2026-02-24", "CL 232"))
        self.assertEqual(d["group_formed"]["adjusted_from"], "2026-02-20")
        # Counted from the group's latest lawful date (02-24), flagged as estimated.
        self.assertEqual(d["creditor_notice"]["from"], "2026-02-24")
        self.assertTrue(d["creditor_notice"]["from_estimated"])
        self.assertEqual((d["creditor_notice"]["due"], d["creditor_notice"]["rule"]),
                         ("2026-03-06", "CL 235"))
        self.assertNotIn("adjusted_from", d["creditor_notice"])
        self.assertEqual(d["announcement"]["due"], "2026-04-27")      # 04-25 is a Saturday
        self.assertEqual(d["announcement"]["adjusted_from"], "2026-04-25")
        self.assertEqual(d["claims_deadline_notified"]["due"], "2026-04-07")  # 04-05 清明
        self.assertEqual(d["claims_deadline_announced"]["due"], "2026-06-11")
        self.assertFalse(doc["calendar_fallback"])

    def test_dissolution_with_dates_set_and_national_day(self):
        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-09-10", "--group-formed", "2026-09-21",
                   "--creditor-notice", "2026-09-28", "--json")
        d = deadlines_by_id(self.jv_ok("liquidation", "deadlines", "--json").json())
        self.assertEqual(d["creditor_notice"]["due"], "2026-10-08")  # 10-01 国庆节
        self.assertEqual(d["creditor_notice"]["adjusted_from"], "2026-10-01")
        self.assertFalse(d["creditor_notice"]["from_estimated"])
        self.assertEqual(d["claims_deadline_notified"]["due"], "2026-10-28")
        self.assertFalse(d["claims_deadline_notified"]["from_estimated"])
        self.assertTrue(d["claims_deadline_announced"]["from_estimated"])

    def test_bankruptcy_deadlines_in_national_day(self):
        self.jv_ok("liquidation", "setup", "--type", "bankruptcy",
                   "--court-accepted", "2026-09-06", "--announcement", "2026-09-07",
                   "--claims-period-end", "2026-11-02", "--json")
        doc = self.jv_ok("liquidation", "deadlines", "--json").json()
        d = deadlines_by_id(doc)
        self.assertTrue({"creditor_notice", "claims_period_min", "claims_period_max",
                         "contracts_decision"} <= set(d))
        self.assertEqual((d["creditor_notice"]["due"], d["creditor_notice"]["rule"]),
                         ("2026-10-08", "EBL 14"))
        self.assertEqual(d["creditor_notice"]["adjusted_from"], "2026-10-01")
        # 09-07 + 30 days = 10-07 (国庆节) -> 10-08; + 3 months = 12-07 (a Monday).
        self.assertEqual(d["claims_period_min"]["due"], "2026-10-08")
        self.assertEqual(d["claims_period_min"]["adjusted_from"], "2026-10-07")
        self.assertEqual((d["claims_period_max"]["due"], d["claims_period_max"]["rule"]),
                         ("2026-12-07", "EBL 45"))
        self.assertEqual((d["contracts_decision"]["due"], d["contracts_decision"]["rule"]),
                         ("2026-11-06", "EBL 18"))
        self.assertEqual(doc["refund_freeze"], {"start": "2026-09-06", "end": "2026-11-02",
                                                "rule": "EBL 16"})

    def test_month_end_clamp_lands_on_an_adjusted_working_saturday(self):
        self.jv_ok("liquidation", "setup", "--type", "bankruptcy",
                   "--court-accepted", "2025-12-31", "--announcement", "2026-01-31",
                   "--claims-period-end", "2026-04-30", "--json")
        d = deadlines_by_id(self.jv_ok("liquidation", "deadlines", "--json").json())
        # 12-31 + 2 months = 02-28 (clamped), a Saturday worked in lieu (春节调休上班).
        self.assertEqual(d["contracts_decision"]["due"], "2026-02-28")
        self.assertNotIn("adjusted_from", d["contracts_decision"])

    def test_claims_period_outside_ebl45_is_refused(self):
        base = ["liquidation", "setup", "--type", "bankruptcy", "--court-accepted", "2026-03-02",
                "--announcement", "2026-03-10", "--json"]
        for end in ("2026-04-08", "2026-06-11"):  # 29 days; 3 months + 1 day
            r = self.jv(*base, "--claims-period-end", end)
            self.assertEqual(r.code, 4, r.stderr)
            self.assertIn(b"EBL 45", r.stderr)
        # Nothing was stored.
        self.assertEqual(self.jv("liquidation", "deadlines", "--json").code, 5)
        for end in ("2026-04-09", "2026-06-10"):
            self.jv_ok(*base, "--claims-period-end", end)

    def test_close_stores_the_date(self):
        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-02-05", "--json")
        self.assertEqual(self.jv("liquidation", "close", "--date", "2026-13-01").code, 4)
        out = self.jv_ok("liquidation", "close", "--date", "2026-12-31", "--json").json()
        self.assertEqual(out["closed_on"], "2026-12-31")
        doc = self.jv_ok("liquidation", "deadlines", "--json").json()
        self.assertEqual(doc["closed_on"], "2026-12-31")
        self.jv_ok("audit", "verify", "--json")


class LiquidationCreditorsTest(VaultTestCase):
    ROWS = 400

    def setUp(self):
        super().setUp()
        self.init(case="liquidation")
        self.export = os.path.join(self.tmp, "customers.csv")
        # Profile 0 spells the balance column 储值余额. One mobile per person (no families,
        # e-mail-only persons or bad mobiles) so that the subjects can be told apart here
        # without re-implementing ID matching; every other quirk stays on.
        self.jv_ok("datagen", "--rows", str(self.ROWS), "--out", self.export, "--kind",
                   "customers", "--seed", "7", "--profile", "0", "--encoding", "utf-8",
                   "--import-date", "2026-03-01",
                   "--rate", "family=0", "--rate", "email_only=0", "--rate", "minor=0",
                   "--rate", "mobile_absent=0", "--rate", "mobile_invalid=0",
                   "--rate", "amount_invalid=0.05", "--json")
        self.env["JADEVAULT_FAKE_NOW"] = "2026-03-01T04:00:00Z"
        self.report = self.jv_ok("import", self.export, "--json").json()

    def expected_from_file(self):
        """Current prepaid balance per person: the last valid 储值余额 cell of its rows."""
        with open(self.export, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        header = [norm(h) for h in rows[0]]
        self.assertIn("储值余额", header)
        bal, mob = header.index("储值余额"), header.index("手机")
        current, persons = {}, set()
        for row in rows[1:]:
            if len(row) != len(header):
                continue  # rejected by the importer (field count)
            m = mobile_of(row[mob])
            if m is None:
                continue  # a row without any identifier is rejected
            persons.add(m)
            fen = fen_of(row[bal])
            if fen is not None:
                current[m] = fen
        return persons, current

    def test_creditors_count_and_sum_exactly(self):
        persons, current = self.expected_from_file()
        # The grouping assumption holds: one subject per distinct mobile.
        self.assertEqual(self.report["subjects_created"], len(persons))
        holders = [v for v in current.values() if v > 0]
        self.assertGreater(len(holders), 10)
        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-02-05", "--json")
        doc = self.jv_ok("liquidation", "creditors", "--json").json()
        self.assertEqual(doc["prepaid_holders"], len(holders))
        self.assertEqual(doc["total_prepaid_fen"], sum(holders))
        self.assertIsInstance(doc["total_prepaid_fen"], int)
        listed = [s for s in doc["subjects"] if s["prepaid_fen"] > 0]
        self.assertEqual(len(listed), len(holders))
        self.assertEqual(sorted(s["prepaid_fen"] for s in listed), sorted(holders))
        # Masked: no full mobile number of the file appears in the output.
        blob = json.dumps(doc, ensure_ascii=False)
        for m in list(persons)[:50]:
            self.assertNotIn(m, blob)
        # The read is audited.
        self.assertIn("liquidation.creditors", audit_text(self))
        self.jv_ok("audit", "verify", "--json")


class LiquidationItemsClaimsTest(VaultTestCase):
    MOBILES = ["13900000101", "13900000102", "13900000103"]

    def setUp(self):
        super().setUp()
        self.init(case="liquidation")
        self.env["JADEVAULT_FAKE_NOW"] = "2026-03-01T04:00:00Z"
        self.write_and_import("customers.csv", [
            "姓名,手机,储值余额,积分",
            f"测试甲,{self.MOBILES[0]},\"¥1,000.50\",100",
            f"测试乙,{self.MOBILES[1]},0,",
            f"测试丙,{self.MOBILES[2]},88,",
        ])

    def write_and_import(self, name, lines, kind=None):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        args = ["import", path, "--json"] + (["--kind", kind] if kind else [])
        return self.jv_ok(*args).json()

    def subject(self, mobile):
        r = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()
        self.assertEqual(len(r["subjects"]), 1)
        return r["subjects"][0]["id"]

    def test_items_and_transactions_by_mobile_returns_and_claims(self):
        items = self.write_and_import("items.csv", [
            "手机,物品名称,类型,重量,取件单号,收件日期,费用",
            f"{self.MOBILES[1]},金戒指,维修,3.5,R-1,2026-01-10,50",
            f"+86 {self.MOBILES[1][:3]}-{self.MOBILES[1][3:7]}-{self.MOBILES[1][7:]},玉镯,寄存,"
            "20,R-2,2026-01-11,",
            "13900000999,银链,维修,5,R-3,2026-01-12,",  # nobody: reported
        ], kind="items")
        self.assertEqual(items["rows_unmatched"], 1)
        self.assertEqual(items["unmatched"], [3])
        txns = self.write_and_import("txns.csv", [
            "交易日期,手机,消费金额,支付方式",
            f"2026-01-05,{self.MOBILES[0]},60000,现金",
            f"2026-01-05,{self.MOBILES[0]},50000,现金",
            "2026-01-06,13900000998,100,现金",
        ], kind="transactions")
        self.assertEqual(txns["rows_unmatched"], 1)
        # Transactions matched to their owner by mobile.
        owner0 = self.subject(self.MOBILES[0])
        show = self.jv_ok("subjects", "show", owner0, "--json").json()
        self.assertEqual(sum(1 for r in show["records"] if r["key_class"] == "accounting_30y"), 2)

        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-02-05", "--json")
        owner1 = self.subject(self.MOBILES[1])
        held = self.jv_ok("items", "list", "--status", "held", "--json").json()
        self.assertEqual(held["held"], 3)
        self.assertEqual(held["unmatched"], 1)
        mine = [i for i in held["items"] if i["matched"]]
        self.assertEqual(len(mine), 2)
        self.assertTrue(all(i["subject"] == owner1 for i in mine))
        stray = [i for i in held["items"] if not i["matched"]]
        self.assertEqual(len(stray), 1)
        self.assertIsNone(stray[0]["subject"])

        cred = self.jv_ok("liquidation", "creditors", "--json").json()
        self.assertEqual(cred["prepaid_holders"], 2)
        self.assertEqual(cred["total_prepaid_fen"], 100050 + 8800)
        self.assertEqual(cred["item_owners"], 1)
        self.assertEqual(cred["unmatched_item_rows"], 1)

        # Item returns: to someone else needs a reason; a returned item is no longer held.
        item = mine[0]["id"]
        r = self.jv("items", "return", item, "--to", "代领人", "--receipt", "RC-1", "--json")
        self.assertEqual(r.code, 4)
        self.assertIn(b"--reason", r.stderr)
        out = self.jv_ok("items", "return", item, "--to", "owner", "--receipt", "RC-1",
                         "--json").json()
        self.assertEqual(out["status"], "returned")
        held = self.jv_ok("items", "list", "--status", "held", "--json").json()
        self.assertNotIn(item, [i["id"] for i in held["items"]])
        self.assertEqual(held["held"], 2)
        returned = self.jv_ok("items", "list", "--status", "returned", "--json").json()
        self.assertEqual([i["id"] for i in returned["items"]], [item])
        self.assertEqual(self.jv("items", "return", item, "--to", "owner", "--receipt", "RC-1",
                                 "--json").code, 4)

        # Claims: verified against the ledger, mismatch disputed, refund frozen (CL 235).
        c = self.jv_ok("claims", "record", "--subject", owner0, "--status", "declared",
                       "--amount-fen", "100050", "--json").json()
        self.assertEqual(c["status"], "verified")
        owner2 = self.subject(self.MOBILES[2])
        c2 = self.jv_ok("claims", "record", "--subject", owner2, "--status", "declared",
                        "--amount-fen", "9900", "--json").json()
        self.assertEqual(c2["status"], "disputed")
        self.assertIn("8800", c2["reason"])
        self.jv_ok("claims", "record", "--subject", owner0, "--status", "confirmed", "--json")
        paid = self.jv("claims", "record", "--subject", owner0, "--status", "paid", "--json")
        self.assertEqual(paid.code, 5)
        self.assertIn(b"CL 235", paid.stderr)
        self.assertIn(b"EBL 16", paid.stderr)
        later = dict(self.env, JADEVAULT_FAKE_NOW="2026-06-12T04:00:00Z")
        paid = self.jv_ok("claims", "record", "--subject", owner0, "--status", "paid", "--json",
                          env=later).json()
        self.assertEqual(paid["paid_fen"], 100050)
        lst = self.jv_ok("claims", "list", "--json").json()
        self.assertEqual(lst["by_status"], {"paid": 1, "disputed": 1})

        # Creditor notices through the file outbox.
        plan = self.jv_ok("liquidation", "notices", "plan", "--liquidator-contact",
                          "清算组 测试律师 010-00000000", "--items-where", "某市某路1号门店",
                          "--json").json()
        self.assertEqual(plan["sms"], 3)
        outbox = os.path.join(self.tmp, "outbox")
        sent = self.jv_ok("liquidation", "notices", "send", "--channel", "file", "--out", outbox,
                          "--json").json()
        self.assertEqual(sent["sent"], 3)
        texts = ""
        for path in glob.glob(os.path.join(outbox, "*.csv")):
            with open(path, encoding="utf-8") as f:
                texts += f.read()
        self.assertIn("¥1,000.50", texts)
        self.assertIn("清算组 测试律师", texts)
        self.assertNotIn("{{", texts)

        # A template missing an element is refused.
        bad = os.path.join(self.tmp, "bad.txt")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("{{company}} {{claim_amount}} {{declare_by}}\n")
        r = self.jv("liquidation", "notices", "template", "check", bad, "--json")
        self.assertEqual(r.code, 4)
        self.assertIn(b"how_to_declare", r.stderr)

        # Every action left an audit entry, and the log verifies.
        log = audit_text(self)
        for action in ("liquidation.setup", "items.return", "claims.record",
                       "liquidation.notices.send", "items.list", "claims.list"):
            self.assertIn(action, log)
        for m in self.MOBILES:
            self.assertNotIn(m, log)
        self.jv_ok("audit", "verify", "--json")
