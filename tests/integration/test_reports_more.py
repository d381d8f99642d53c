"""End to end: `report claims|retention|certificate|audit` (issue 8 item 5) on a liquidation
vault (claims, items, a hold, a closed case) and on a transfer vault that shredded and issued a
deletion certificate. Every report in json, csv, html (zh-CN and en) and xlsx: the XLSX holds
the same numbers as the JSON, the figures match the commands they summarize (`claims list`,
`items list`, `liquidation creditors`, `retention plan`, `audit export`), and no page carries a
mobile, ID number or name from the import files. `report requests` (the rights-requests queue)
on a transfer vault: the figures match `requests list`, subject ids are masked.

All customers are synthetic (obviously fake rows written here).
"""
import collections
import csv as csvmod
import io
import json
import os
import re
import shutil
import subprocess
import unittest

from jvtest import VaultTestCase

try:
    import openpyxl
except ImportError:  # run with /usr/bin/python3, which has python3-openpyxl
    openpyxl = None

MOBILES = ["13900000101", "13900000102", "13900000103"]
NAMES = ["测试甲", "测试乙", "测试丙"]
ID_NUMBERS = ["110105198503120012", "110105199001010029", "310104197805050036"]  # valid check digits


def have_tools():
    return all(shutil.which(t) for t in ("age", "age-keygen"))


@unittest.skipUnless(openpyxl, "needs python3-openpyxl (use /usr/bin/python3)")
class ReportsMoreTest(VaultTestCase):
    def path(self, name):
        return os.path.join(self.tmp, name)


    def subject(self, mobile):
        r = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()
        self.assertEqual(len(r["subjects"]), 1)
        return r["subjects"][0]["id"]

    def render_all(self, kind, *extra, forbidden=()):
        """Writes `kind` in every format; checks XLSX/CSV against the JSON; returns the JSON."""
        doc = self.jv_ok("report", kind, "--json", *extra).json()
        self.assertEqual(doc["report"], kind)
        xlsx = self.path(kind + ".xlsx")
        self.jv_ok("report", kind, "--format", "xlsx", "--out", xlsx, "--json", *extra)
        wb = openpyxl.load_workbook(xlsx)
        self.assertEqual(sorted(wb.sheetnames), sorted(doc["tables"]))
        for name, rows in doc["tables"].items():
            ws = wb[name]
            keys = [c.value for c in ws[1]]
            got = [dict(zip(keys, [c.value for c in row])) for row in ws.iter_rows(min_row=3)]
            self.assertEqual(len(got), len(rows), (kind, name))
            for want, have in zip(rows, got):
                self.assertEqual(set(want), set(keys), (kind, name))
                for k, v in want.items():
                    if isinstance(v, int) and not isinstance(v, bool):
                        self.assertEqual(have[k], v, (kind, name, k))
                    elif v:
                        self.assertEqual(have[k], v, (kind, name, k))
        csv = self.path(kind + ".csv")
        self.jv_ok("report", kind, "--format", "csv", "--out", csv, "--json", *extra)
        with open(csv, encoding="utf-8", newline="") as f:
            text = f.read()
        sections = {}
        for block in text.split("\r\n\r\n"):
            head, _, body = block.partition("\r\n")
            sections[head[2:]] = list(csvmod.DictReader(io.StringIO(body, newline="")))
        self.assertEqual(sorted(sections), sorted(doc["tables"]))
        for name, rows in doc["tables"].items():
            want = [{k: str(v) for k, v in r.items()} for r in rows]
            self.assertEqual(sections[name], want, (kind, name))
        pages = {}
        for lang in ("zh-CN", "en"):
            html = self.path("%s.%s.html" % (kind, lang))
            self.jv_ok("report", kind, "--format", "html", "--lang", lang, "--out", html,
                       "--json", *extra)
            with open(html, encoding="utf-8") as f:
                pages[lang] = f.read()
            self.assertTrue(pages[lang].startswith("<!DOCTYPE html>"))
            self.assertIn('lang="%s"' % lang, pages[lang])
        self.assertIn(doc["title"]["en"], pages["en"])
        self.assertIn(doc["title"]["zh"], pages["zh-CN"])
        self.assertNotIn(doc["title"]["zh"], pages["en"])
        for text_ in [pages["zh-CN"], pages["en"], text, json.dumps(doc, ensure_ascii=False)]:
            leaked = [s for s in list(forbidden) + MOBILES + NAMES + ID_NUMBERS if s in text_]
            self.assertEqual(leaked, [], kind)
        return doc, pages

    def test_claims_retention_and_audit(self):
        self.init(case="liquidation")
        self.env["JADEVAULT_FAKE_NOW"] = "2026-03-01T04:00:00Z"
        self.jv_ok("import", self.write("customers.csv", "姓名,手机,身份证号,储值余额\n" +
                                        f"{NAMES[0]},{MOBILES[0]},{ID_NUMBERS[0]},\"¥1,000.50\"\n"
                                        f"{NAMES[1]},{MOBILES[1]},{ID_NUMBERS[1]},0\n"
                                        f"{NAMES[2]},{MOBILES[2]},{ID_NUMBERS[2]},88\n"), "--json")
        self.jv_ok("import", self.write("items.csv", "手机,物品名称,类型,重量,取件单号,收件日期,费用\n" +
                                        f"{MOBILES[1]},金戒指,维修,3.5,R-1,2026-01-10,50\n"
                                        f"{MOBILES[1]},玉镯,寄存,20,R-2,2026-01-11,\n"
                                        f"{MOBILES[0]},银链,维修,5,R-3,2026-01-12,\n"),
                   "--kind", "items", "--json")
        self.jv_ok("liquidation", "setup", "--type", "dissolution",
                   "--dissolution-date", "2026-02-05", "--json")
        owner = [self.subject(m) for m in MOBILES]
        items = self.jv_ok("items", "list", "--json").json()["items"]
        self.jv_ok("items", "return", items[0]["id"], "--to", "owner", "--receipt", "RC-1",
                   "--json")
        self.jv_ok("claims", "record", "--subject", owner[0], "--status", "declared",
                   "--amount-fen", "100050", "--json")
        self.jv_ok("claims", "record", "--subject", owner[2], "--status", "declared",
                   "--amount-fen", "9900", "--json")
        self.jv_ok("holds", "add", "--subject", owner[1], "--reason", "(2026)测试01民初1号",
                   "--json")

        # --- claims -----------------------------------------------------------------------
        doc, pages = self.render_all("claims", forbidden=owner)
        by = {r["status"]: r for r in doc["tables"]["claims_by_status"]}
        self.assertEqual(list(by), ["declared", "verified", "disputed", "confirmed", "paid"])
        claims = self.jv_ok("claims", "list", "--json").json()["claims"]
        for st, row in by.items():
            mine = [c for c in claims if c["status"] == st]
            self.assertEqual(row["count"], len(mine), st)
            for k in ("declared_fen", "ledger_fen", "confirmed_fen", "paid_fen"):
                self.assertEqual(row[k], sum(c.get(k, 0) for c in mine), (st, k))
        self.assertEqual((by["verified"]["count"], by["verified"]["declared_fen"]), (1, 100050))
        self.assertEqual((by["disputed"]["declared_fen"], by["disputed"]["ledger_fen"]),
                         (9900, 8800))
        totals = doc["tables"]["claims_totals"][0]
        self.assertEqual(totals["count"], 2)
        self.assertEqual(totals["declared_fen"], 100050 + 9900)
        items = self.jv_ok("items", "list", "--json").json()["items"]
        want = collections.defaultdict(lambda: [0, 0])
        for it in items:
            want[it["item"]["item_type"]][it["status"] == "returned"] += 1
        got = {r["kind"]: [r["held"], r["returned"]] for r in doc["tables"]["items_by_kind"]}
        self.assertEqual(got, dict(want))
        self.assertEqual(sum(r["returned"] for r in doc["tables"]["items_by_kind"]), 1)
        cred = self.jv_ok("liquidation", "creditors", "--json").json()
        row = doc["tables"]["creditors"][0]
        for k in ("prepaid_holders", "deposit_holders", "item_owners", "total_prepaid_fen",
                  "unmatched_item_rows"):
            self.assertEqual(row[k], cred[k], k)
        self.assertEqual(row["total_prepaid_fen"], 100050 + 8800)
        self.assertIn("By status (amounts in fen)", pages["en"])
        self.assertIn("按状态（金额单位：分）", pages["zh-CN"])
        self.assertIn("<svg", pages["en"])

        # --- retention ----------------------------------------------------------------------
        self.jv_ok("liquidation", "close", "--date", "2026-06-30", "--json")
        later = dict(self.env, JADEVAULT_FAKE_NOW="2031-09-01T04:00:00Z")
        as_of = ("--as-of", "2031-08-01")
        self.env = later
        doc, pages = self.render_all("retention", *as_of, forbidden=owner)
        plan = self.jv_ok("retention", "plan", *as_of, "--detail", "--json").json()
        p = doc["tables"]["plan"][0]
        self.assertEqual(p["as_of"], "2031-08-01")
        self.assertEqual(p["closed_on"], "2026-06-30")
        for k in ("fully_deletable", "restricted", "unchanged", "subjects_with_data"):
            self.assertEqual(p[k], plan[k], k)
        self.assertEqual(p["holds"], 1)
        self.assertEqual({r["lock"]: r["count"] for r in doc["tables"]["locks"]}, plan["locks"])
        self.assertEqual(plan["locks"].get("hold"), 1)
        due = {r["class"]: r for r in doc["tables"]["by_class"]}
        for cls, d in plan["due"].items():
            self.assertEqual(due[cls]["due"], d["subjects"], cls)
            self.assertEqual(due[cls]["records_due"], d["records"], cls)
        self.assertEqual(sum(r["held"] for r in doc["tables"]["by_class"]) > 0, True)
        self.assertEqual(doc["tables"]["holds"], [{"hold": "subject:all", "count": 1}])
        self.assertNotIn("测试01民初", pages["zh-CN"])  # a hold's reason is not shown
        self.assertIn("By data class (subjects)", pages["en"])
        # Default date: today (the clock).
        today = self.jv_ok("report", "retention", "--json").json()
        self.assertEqual(today["tables"]["plan"][0]["as_of"], "2031-09-01")
        self.assertEqual(self.jv("report", "retention", "--as-of", "2031-13-01").code, 4)

        # --- audit --------------------------------------------------------------------------
        cp = self.jv_ok("audit", "checkpoint", "--json").json()
        doc, pages = self.render_all("audit", forbidden=owner)
        out = self.path("audit.jsonl")
        self.jv_ok("audit", "export", "--out", out, "--json")
        with open(out, encoding="utf-8") as f:
            entries = [json.loads(l) for l in f]
        log = doc["tables"]["log"][0]
        # Rendering does not append; the export does (after the report was made).
        self.assertEqual([e["action"] for e in entries[log["tree_size"]:]], ["audit.export"])
        entries = entries[:log["tree_size"]]
        self.assertEqual(log["tree_size"], len(entries))
        self.assertEqual(log["verify_ok"], "yes")
        self.assertEqual(log["signatures_checked"], "yes")
        self.assertEqual((log["first_time"], log["last_time"]),
                         (entries[0]["time"], entries[-1]["time"]))
        self.assertEqual({r["action"]: r["count"] for r in doc["tables"]["by_action"]},
                         dict(collections.Counter(e["action"] for e in entries)))
        self.assertEqual({r["day"]: r["count"] for r in doc["tables"]["by_day"]},
                         dict(collections.Counter(e["time"][:10] for e in entries)))
        self.assertEqual(doc["tables"]["checkpoint"][0]["tree_size"], cp["tree_size"])
        self.assertEqual(doc["tables"]["checkpoint"][0]["root_hash"], cp["root_hash"])
        self.assertIn("Entries per day (UTC)", pages["en"])
        self.assertIn("<svg", pages["zh-CN"])

        self.jv_ok("audit", "verify", "--json")

    def test_requests(self):
        """The rights-requests queue: counts by type and status, overdue, median days to
        answer, the list with masked subject ids; the figures match `requests list`."""
        self.init()
        self.env["JADEVAULT_FAKE_NOW"] = "2026-10-20T02:00:00Z"
        self.jv_ok("import", self.write("customers.csv", "姓名,手机,身份证号\n" + "".join(
            f"{n},{m},{i}\n" for n, m, i in zip(NAMES, MOBILES, ID_NUMBERS))), "--json")
        owner = [self.subject(m) for m in MOBILES]

        def opened(subject, type_, received=None):
            extra = ["--received", received] if received else []
            return self.jv_ok("requests", "open", "--subject", subject, "--type", type_,
                              "--via", "phone", "--json", *extra).json()["id"]
        late = opened(owner[0], "access", "2026-09-24")  # due 2026-10-22
        copy = opened(owner[1], "copy")
        expl = opened(owner[2], "explanation", "2026-10-19")
        opened(owner[2], "correction")
        self.env["JADEVAULT_FAKE_NOW"] = "2026-10-23T17:00:00Z"  # 2026-10-24 in China
        self.jv_ok("requests", "refuse", expl, "--reason", "测试理由", "--json")
        self.env["JADEVAULT_FAKE_NOW"] = "2026-11-02T02:00:00Z"
        self.jv_ok("requests", "fulfil", copy, "--out", self.path("out"), "--json")
        listed = self.jv_ok("requests", "list", "--json").json()["requests"]
        self.assertEqual([r["overdue"] for r in listed if r["id"] == late], [True])

        doc, pages = self.render_all("requests", forbidden=owner)
        by_type = {r["type"]: r for r in doc["tables"]["by_type"]}
        self.assertEqual(set(by_type), {r["type"] for r in listed})
        for t, row in by_type.items():
            mine = [r for r in listed if r["type"] == t]
            self.assertEqual(row["total"], len(mine))
            for st in ("open", "fulfilled", "refused"):
                self.assertEqual(row[st], sum(1 for r in mine if r["status"] == st), (t, st))
            self.assertEqual(row["overdue"], sum(1 for r in mine if r["overdue"]))
        self.assertEqual({r["status"]: r["count"] for r in doc["tables"]["by_status"]},
                         {st: sum(1 for r in listed if r["status"] == st)
                          for st in ("open", "fulfilled", "refused")})
        tl = doc["tables"]["timeliness"][0]
        self.assertEqual(tl["requests"], len(listed))
        self.assertEqual(tl["overdue"], sum(1 for r in listed if r["overdue"]))
        # Days from receipt to the answer's China date: the refusal 2026-10-19 -> 10-24 (5),
        # the copy 2026-10-20 -> 11-02 (13); median 9.
        days = sorted([5, 13])
        self.assertEqual(tl["answered"], len(days))
        self.assertEqual(tl["median_days"], str((days[0] + days[1]) // 2))
        self.assertEqual(tl["answered_late"], 0)
        rows = {r["id"]: r for r in doc["tables"]["requests"]}
        self.assertEqual(set(rows), {r["id"] for r in listed})
        for r in listed:
            row = rows[r["id"]]
            self.assertEqual((row["type"], row["due"], row["status"]),
                             (r["type"], r["due"], r["status"]))
            self.assertNotEqual(row["subject"], r["subject"])
            self.assertTrue(row["subject"].startswith(r["subject"][:5]))
            self.assertTrue(row["subject"].endswith(r["subject"][-2:]))
            self.assertIn("***", row["subject"])
        self.assertEqual(rows[expl]["answered"], "2026-10-24")
        self.assertEqual(rows[late]["overdue"], "yes")
        self.assertIn("Median days to answer", pages["en"])
        self.assertIn("<svg", pages["zh-CN"])
        self.assertNotIn("测试理由", json.dumps(doc, ensure_ascii=False))
        self.jv_ok("audit", "verify", "--json")

    @unittest.skipUnless(have_tools(), "needs the age and age-keygen tools")
    def test_certificate(self):
        init = self.init()
        subprocess.run(["age-keygen", "-o", self.path("key.txt")], check=True,
                       capture_output=True)
        age_pub = subprocess.run(["age-keygen", "-y", self.path("key.txt")], check=True,
                                 capture_output=True).stdout.decode().strip()
        with open(self.path("signer.pem"), "w") as f:
            f.write(init["signing_public_key_pem"])
        # Before anything was shredded: an empty report, not an error.
        empty = self.jv_ok("report", "certificate", "--json").json()
        self.assertEqual(empty["tables"]["totals"][0]["certificates"], 0)
        self.jv_ok("import", self.write("customers.csv", "姓名,手机,身份证号\n" + "".join(
            f"{n},{m},{i}\n" for n, m, i in zip(NAMES, MOBILES, ID_NUMBERS))), "--json")
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        rid = self.jv_ok("recipients", "add", "--name", "受让方珠宝有限公司",
                         "--uscc", "91110000600037341L", "--contact-name", "王经理",
                         "--contact-phone", "01012345678", "--address", "北京市东城区某路1号",
                         "--region", "CN", "--age-recipient", age_pub,
                         "--scope", "name,mobile", "--json").json()["id"]
        self.jv_ok("allocate", "--recipient", rid, "--all", "--json")
        self.jv_ok("notices", "plan", "--json")
        self.jv_ok("notices", "send", "--channel", "file", "--out", self.path("outbox"), "--json")
        with open(self.path("pipia.json"), "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        self.jv_ok("assess", "--answers", self.path("pipia.json"), "--json")
        env = dict(self.env, JADEVAULT_FAKE_NOW="2027-02-01T04:00:00Z")
        self.env = env
        self.jv_ok("package", "build", "--recipient", rid, "--out", self.path("p.age"), "--json")
        to_vault = self.path("to_vault")
        self.init(company="受让方珠宝有限公司", vault=to_vault)
        self.jv_ok("package", "import", self.path("p.age"), "--identity", self.path("key.txt"),
                   "--signer", self.path("signer.pem"), "--receipt-out",
                   self.path("receipt.json"), "--json", vault=to_vault)
        self.jv_ok("package", "ack", self.path("receipt.json"), "--json")
        self.jv_ok("shred", "--transferred", "--json")
        cert = self.jv_ok("certificate", "deletion", "--out", self.path("cert.json"),
                          "--json").json()
        with open(self.path("cert.json"), encoding="utf-8") as f:
            cert = json.load(f)
        gone = cert["shredded_subjects"] + cert["restricted_subjects"]
        self.assertEqual(len(gone), 3)
        doc, pages = self.render_all("certificate", forbidden=gone)
        t = doc["tables"]
        self.assertEqual(t["totals"][0]["certificates"], 1)
        self.assertEqual(t["totals"][0]["shredded"], cert["shredded"])
        self.assertEqual(t["totals"][0]["subjects_transferred"], 3)
        self.assertEqual(t["totals"][0]["last_issued"][:10], cert["issued"][:10])
        self.assertEqual(t["issued"][0]["shredded"], cert["shredded"])
        self.assertEqual([(r["recipient"], r["subjects"]) for r in t["transfers"]],
                         [("受让方珠宝有限公司", 3)])
        self.assertEqual(t["transfers"][0]["package"], cert["transfers"][0]["package_id"])
        self.assertEqual(sum(r["shredded"] for r in t["shred_runs"]), 3)
        self.assertIn("受让方珠宝有限公司", pages["en"])  # a company, not personal data
        self.assertIn("Acknowledged transfers", pages["en"])
        self.assertIn("已确认接收的转移", pages["zh-CN"])
        # A second certificate is counted too.
        self.jv_ok("certificate", "deletion", "--out", self.path("cert2.json"), "--json")
        again = self.jv_ok("report", "certificate", "--json").json()
        self.assertEqual(again["tables"]["totals"][0]["certificates"], 2)


if __name__ == "__main__":
    unittest.main()
