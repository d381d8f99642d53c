"""End to end: governance (SPEC §9, issue 8) — cross-border mechanism and consent, the impact
assessment gate, the checklist, incidents with the 4-hour clock, and reports in every format.

All customers are synthetic (`jadevault datagen`). The cross-border test imports an export in
which more than 10,000 customers have sensitive data; it takes most of this file's run time.
"""
import json
import os
import re
import time
import unittest

from jvtest import VaultTestCase

try:
    import openpyxl
except ImportError:  # scripts/install-deps.sh installs python3-openpyxl
    openpyxl = None

# Rows for more than 10,000 subjects with sensitive data (datagen: about 2.5 rows a person,
# nearly all of them with an ID number or property fields).
BIG_ROWS = int(os.environ.get("JV_GOV_ROWS", "18000"))


class GovernanceTest(VaultTestCase):
    def path(self, name):
        return os.path.join(self.tmp, name)

    def rules(self, env=None):
        r = self.jv("check", "--json", env=env)
        self.assertIn(r.code, (0, 1), r.stderr)
        return r.code, {x["id"]: x for x in r.json()["rules"]}

    def age_recipient(self):
        key = self.path("recipient-key.txt")
        self.jv_ok("age", "keygen", "-o", key)
        with open(key, encoding="utf-8") as f:
            return re.search(r"age1[0-9a-z]+", f.read()).group(0)

    def add_recipient(self, region, scope=None):
        args = ["recipients", "add", "--name", "境外受让珠宝有限公司", "--uscc",
                "91350100M000100Y43", "--contact-name", "王经理", "--contact-phone",
                "01012345678", "--address", "香港某路1号", "--region", region,
                "--age-recipient", self.age_recipient(), "--json"]
        if scope:
            args += ["--scope", scope]
        return self.jv_ok(*args).json()["id"]

    def write_template(self):
        p = self.path("pipia.json")
        with open(p, "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        return p

    def import_small(self, rows=200):
        csv = self.path("customers.csv")
        self.jv_ok("datagen", "--rows", str(rows), "--out", csv, "--seed", "3", "--json")
        return self.jv_ok("import", csv, "--json").json()

    # --- Done-when 1: cross-border ----------------------------------------------------------
    def test_cross_border_mechanism_follows_the_year_to_date_volume(self):
        self.init()
        t0 = time.monotonic()
        csv = self.path("big.csv")
        self.jv_ok("datagen", "--rows", str(BIG_ROWS), "--out", csv, "--seed", "8", "--json")
        self.jv_ok("import", csv, "--json")
        t_import = time.monotonic() - t0
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        hk = self.add_recipient("HK")

        # The biggest store first: fewer than 10,000 of its customers have sensitive data.
        summary = self.jv_ok("report", "summary", "--json").json()
        stores = summary["tables"]["by_store"]
        store = max(stores, key=lambda s: s["count"])["store"]
        self.jv_ok("allocate", "--recipient", hk, "--where", "store=" + store, "--json")
        code, rules = self.rules()
        xb = rules["XB-MECHANISM"]
        self.assertEqual(code, 1)
        self.assertEqual(xb["status"], "fail")
        self.assertTrue(xb["blocking"])
        self.assertGreater(xb["evidence"]["sensitive_ytd"], 0)
        self.assertLess(xb["evidence"]["sensitive_ytd"], 10000)
        self.assertEqual(xb["evidence"]["required"], "standard_contract_or_certification")
        self.assertEqual(xb["evidence"]["missing"], [hk])
        one_store = xb["evidence"]["sensitive_ytd"]

        # Then everyone: more than 10,000 with sensitive data.
        self.jv_ok("allocate", "--recipient", hk, "--all", "--json")
        code, rules = self.rules()
        xb = rules["XB-MECHANISM"]
        self.assertEqual(code, 1)
        self.assertEqual(xb["status"], "fail")
        self.assertTrue(xb["blocking"])
        self.assertGreaterEqual(xb["evidence"]["sensitive_ytd"], 10000)
        self.assertEqual(xb["evidence"]["required"], "security_assessment")
        status = self.jv_ok("crossborder", "status", "--json").json()
        self.assertEqual(status["required"], "security_assessment")
        self.assertEqual(status["sensitive"], xb["evidence"]["sensitive_ytd"])
        # Nobody has given separate consent yet: nobody is transferable.
        consent = rules["PIPL-39-CONSENT"]
        self.assertEqual(consent["status"], "warn")
        self.assertEqual(consent["evidence"]["not_transferable"], status["individuals"])

        evidence = self.path("contract.pdf")
        with open(evidence, "wb") as f:
            f.write(b"%PDF-1.4 synthetic standard contract")
        # A standard contract does not cover a volume that needs a security assessment.
        self.jv_ok("crossborder", "record", "--recipient", hk, "--mechanism", "standard_contract",
                   "--reference", "SCC-2026-001", "--evidence", evidence, "--json")
        self.assertEqual(self.rules()[1]["XB-MECHANISM"]["status"], "fail")
        rec = self.jv_ok("crossborder", "record", "--recipient", hk, "--mechanism",
                         "security_assessment", "--reference", "CAC-SA-2026-042",
                         "--evidence", evidence, "--json").json()
        self.assertEqual(len(rec["evidence_sha256"]), 64)
        self.assertIsNotNone(rec["valid_until"])
        code, rules = self.rules()
        self.assertEqual(rules["XB-MECHANISM"]["status"], "pass")
        bad = self.jv("crossborder", "record", "--recipient", hk, "--mechanism", "exempt",
                      "--reference", "x", "--evidence", evidence, "--json")
        self.assertEqual(bad.code, 4)
        # Audited, without the reference document's bytes.
        self.jv_ok("audit", "export", "--out", self.path("audit.jsonl"), "--json")
        with open(self.path("audit.jsonl"), "rb") as f:
            audit = f.read()
        self.assertIn(b"crossborder.record", audit)
        self.assertNotIn(b"synthetic standard contract", audit)
        print("\n[governance] %d rows, %d individuals abroad (%d sensitive; one store %d): "
              "datagen+import %.1f s, total %.1f s"
              % (BIG_ROWS, status["individuals"], status["sensitive"], one_store, t_import,
                 time.monotonic() - t0))

    # --- Done-when 2: the impact assessment gates the package ------------------------------
    def test_pipia_blocks_package_build_until_assessed(self):
        self.init()
        # Made-up customers, every one reachable by SMS, so only the assessment is missing.
        with open(self.path("few.csv"), "w", encoding="utf-8") as f:
            f.write("姓名,手机,门店\n" + "".join(
                "测试%d,1380000%04d,北京店\n" % (i, i) for i in range(1, 6)))
        self.jv_ok("import", self.path("few.csv"), "--json")
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "0", "--json")
        rid = self.add_recipient("CN", "name,mobile")
        self.jv_ok("allocate", "--recipient", rid, "--all", "--json")
        self.jv_ok("notices", "plan", "--json")
        self.jv_ok("notices", "send", "--channel", "file", "--out", self.path("outbox"), "--json")

        r = self.jv("package", "build", "--recipient", rid, "--out", self.path("p.age"), "--json")
        self.assertEqual(r.code, 5, r.stderr)
        self.assertEqual(r.json()["failing_rules"], ["PIPL-55-PIPIA"])
        self.assertFalse(os.path.exists(self.path("p.age")))

        # The template is the answers form; the defaults are conservative.
        tmpl = self.jv_ok("assess", "template", "--json").json()
        self.assertTrue(all(q["answer"] == "unknown" for q in tmpl["questions"]))
        self.assertTrue(all(q["zh"] and q["en"] for q in tmpl["questions"]))
        broken = dict(tmpl, questions=tmpl["questions"][1:])
        with open(self.path("broken.json"), "w", encoding="utf-8") as f:
            json.dump(broken, f)
        r = self.jv("assess", "--answers", self.path("broken.json"), "--json")
        self.assertEqual(r.code, 4)
        self.assertIn(tmpl["questions"][0]["id"].encode(), r.stderr)

        a = self.jv_ok("assess", "--answers", self.write_template(), "--html",
                       self.path("pipia.html"), "--json").json()
        self.assertEqual(a["overall"], "high")
        facts = a["report"]["facts"]
        self.assertGreater(facts["subjects"], 0)
        self.assertEqual(facts["fields_transferred"], ["mobile", "name"])
        self.assertTrue(facts["audit"]["ok"])
        self.assertEqual(facts["recipients"][0]["region"], "CN")
        with open(self.path("pipia.html"), encoding="utf-8") as f:
            self.assertIn("个人信息保护影响评估", f.read())
        code, rules = self.rules()
        self.assertEqual(rules["PIPL-55-PIPIA"]["status"], "pass")
        self.assertEqual(rules["PIPL-55-PIPIA"]["evidence"]["assessment"], a["id"])
        built = self.jv_ok("package", "build", "--recipient", rid, "--out", self.path("p.age"),
                           "--json").json()
        self.assertEqual(built["subjects"], 5)

    # --- the checklist ------------------------------------------------------------------------
    def test_checklist_rules_and_officer(self):
        self.init()
        self.import_small(50)
        code, rules = self.rules()
        for rid in ("PIPL-22-NOTICE", "PIPL-23-CONSENT", "PIPL-55-PIPIA", "XB-MECHANISM",
                    "PIPL-52-OFFICER", "NDSMR-30-REPORT", "PIPL-51-ENCRYPTION",
                    "PIPL-47-RETENTION", "AUDIT-CHAIN"):
            self.assertIn(rid, rules)
            self.assertIn(rules[rid]["status"], ("pass", "fail", "warn", "n.a."))
            self.assertIsInstance(rules[rid]["blocking"], bool)
            self.assertTrue(rules[rid]["article"])
        self.assertEqual(rules["AUDIT-CHAIN"]["status"], "pass")
        self.assertEqual(rules["PIPL-51-ENCRYPTION"]["status"], "pass")
        self.assertEqual(rules["PIPL-52-OFFICER"]["status"], "n.a.")
        self.jv_ok("officer", "set", "--name", "合规负责人", "--contact", "dpo@example.com",
                   "--json")
        show = self.jv_ok("officer", "show", "--json").json()
        self.assertEqual(show["officer"]["contact"], "dpo@example.com")
        self.assertFalse(show["officer_required"])
        self.jv_ok("report", "checklist", "--format", "html", "--out", self.path("c.html"),
                   "--json")
        with open(self.path("c.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn("AUDIT-CHAIN", html)
        self.assertIn("<svg", html)

    # --- Done-when 3: incidents -----------------------------------------------------------------
    def test_incident_clock_and_notice_elements(self):
        self.init()
        self.import_small(50)
        inc = self.jv_ok("incident", "open", "--type", "leak", "--detected",
                         "2026-11-26T10:00:00+08:00", "--affected", "all", "--json").json()
        self.assertEqual(inc["report_due"], "2026-11-26T14:00:00+08:00")
        self.assertIn(inc["severity"], ("general", "relatively_major", "major",
                                        "especially_major"))
        self.assertGreater(inc["affected"]["subjects"], 0)
        iid = inc["id"]
        late = self.jv_ok("incident", "open", "--type", "tamper", "--detected",
                          "2026-11-26T22:30:00-05:00", "--json").json()
        self.assertEqual(late["report_due"], "2026-11-27T02:30:00-05:00")
        self.assertEqual(self.jv("incident", "open", "--type", "fire", "--detected",
                                 "2026-11-26T10:00:00+08:00", "--json").code, 4)

        self.jv_ok("incident", "update", iid, "--set", "cause=配置错误", "--set",
                   "harm=可能遭受诈骗", "--set", "individual_actions=警惕诈骗电话", "--set",
                   "contact=400-000-0000", "--json")
        out = self.path("incident-outbox")
        r = self.jv("incident", "send", iid, "--notice", "individuals", "--channel", "file",
                    "--out", out, "--json")
        self.assertEqual(r.code, 5, r.stderr)
        self.assertIn(b"remedies", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(out, "sms-0001.csv")))
        shown = self.jv_ok("incident", "show", iid, "--json").json()
        self.assertEqual(shown["missing_elements"], ["remedies"])
        self.assertIsNone(shown["notices"]["individuals"])

        self.jv_ok("incident", "update", iid, "--set", "remedies=已关闭外网访问", "--json")
        sent = self.jv_ok("incident", "send", iid, "--notice", "individuals", "--channel",
                          "file", "--out", out, "--json").json()
        self.assertGreater(sent["sent"], 0)
        self.jv_ok("incident", "send", iid, "--notice", "regulator", "--out",
                   self.path("regulator.txt"), "--json")
        closed = self.jv_ok("incident", "close", iid, "--resolution", "处置完毕", "--json").json()
        self.assertEqual(closed["status"], "closed")
        events = [e["event"] for e in closed["timeline"]]
        self.assertEqual(events[0], "opened")
        self.assertEqual(events[-1], "closed")
        self.assertIn("individuals_notice_sent", events)
        listed = self.jv_ok("incident", "list", "--json").json()["incidents"]
        self.assertEqual(sorted(i["status"] for i in listed), ["closed", "open"])

    # --- Done-when 4: reports -------------------------------------------------------------------
    @unittest.skipUnless(openpyxl, "needs python3-openpyxl")
    def test_reports_have_the_same_numbers_in_every_format(self):
        self.init()
        self.import_small(120)
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        rid = self.add_recipient("CN")
        self.jv_ok("allocate", "--recipient", rid, "--all", "--json")
        self.jv_ok("notices", "plan", "--json")
        for kind in ("checklist", "summary", "inventory", "campaign", "ropa"):
            doc = self.jv_ok("report", kind, "--json").json()
            self.assertEqual(doc["report"], kind)
            xlsx = self.path(kind + ".xlsx")
            self.jv_ok("report", kind, "--format", "xlsx", "--out", xlsx, "--json")
            wb = openpyxl.load_workbook(xlsx)
            self.assertEqual(sorted(wb.sheetnames), sorted(doc["tables"]))
            for name, rows in doc["tables"].items():
                ws = wb[name]
                keys = [c.value for c in ws[1]]
                got = [dict(zip(keys, [c.value for c in row])) for row in ws.iter_rows(min_row=3)]
                self.assertEqual(len(got), len(rows), (kind, name))
                for want, have in zip(rows, got):
                    for k, v in want.items():
                        if isinstance(v, int) and not isinstance(v, bool):
                            self.assertEqual(have[k], v, (kind, name, k))
            csv = self.path(kind + ".csv")
            self.jv_ok("report", kind, "--format", "csv", "--out", csv, "--json")
            with open(csv, encoding="utf-8") as f:
                text = f.read()
            for name in doc["tables"]:
                self.assertIn("# " + name, text)
            for lang in ("zh-CN", "en"):
                html = self.path("%s.%s.html" % (kind, lang))
                self.jv_ok("report", kind, "--format", "html", "--lang", lang, "--out", html,
                           "--json")
                with open(html, encoding="utf-8") as f:
                    page = f.read()
                self.assertTrue(page.startswith("<!DOCTYPE html>"))
                self.assertIn('lang="%s"' % lang, page)
        summary = self.jv_ok("report", "summary", "--json").json()
        total = summary["tables"]["totals"][0]["subjects"]
        self.assertEqual(sum(r["count"] for r in summary["tables"]["by_state"]), total)
        # No personal information: the synthetic file's mobiles are not in any report.
        with open(self.path("customers.csv"), encoding="utf-8") as f:
            mobiles = set(re.findall(r"1[3-9]\d{9}", f.read()))
        for name in os.listdir(self.tmp):
            if name.endswith((".csv", ".html")) and name != "customers.csv":
                with open(self.path(name), encoding="utf-8") as f:
                    page = f.read()
                self.assertFalse([m for m in mobiles if m in page], name)


if __name__ == "__main__":
    unittest.main()
