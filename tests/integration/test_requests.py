"""End to end: customer-rights requests (SPEC §8; RULEBOOK P44–P50; issue 6 item 4).

open with the 15-working-day deadline over the PRC calendar, list with overdue, fulfil
(copy files 0600, deletion shreds and ends the backup epoch), refuse (reason required).
All customers are synthetic (13900000xxx mobiles, made-up names).
"""
import json
import os
import stat
import unittest

from jvtest import VaultTestCase

SURNAMES = "赵钱孙李"


class RequestsTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.env["JADEVAULT_FAKE_NOW"] = "2026-10-10T02:00:00Z"
        self.init()
        rows = ["姓名,手机,门店"]
        self.mobiles = [f"139000002{i:02d}" for i in range(4)]
        for i, m in enumerate(self.mobiles):
            rows.append(f"{SURNAMES[i]}测试,{m},朝阳店")
        path = os.path.join(self.tmp, "customers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        self.jv_ok("import", path, "--json")

    def sid(self, mobile):
        return self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()[
            "subjects"][0]["id"]

    def open(self, sid, typ, received="2026-09-24"):
        return self.jv_ok("requests", "open", "--subject", sid, "--type", typ, "--via", "phone",
                          "--received", received, "--json").json()

    def test_due_across_mid_autumn_and_national_day(self):
        r = self.open(self.sid(self.mobiles[0]), "access")
        self.assertEqual(r["due"], "2026-10-22")
        self.assertEqual(r["received"], "2026-09-24")
        self.assertEqual(r["status"], "open")
        self.assertFalse(r["overdue"])

    def test_default_received_is_vault_today(self):
        r = self.jv_ok("requests", "open", "--subject", self.sid(self.mobiles[0]), "--type",
                       "correction", "--via", "letter", "--json").json()
        self.assertEqual(r["received"], "2026-10-10")  # the fake clock's China date

    def test_bad_input(self):
        sid = self.sid(self.mobiles[0])
        self.assertEqual(self.jv("requests", "open", "--subject", sid, "--type", "erase",
                                 "--via", "phone", "--json").code, 4)
        self.assertEqual(self.jv("requests", "open", "--subject", sid, "--type", "copy",
                                 "--via", "fax", "--json").code, 4)
        self.assertEqual(self.jv("requests", "open", "--subject", "s_nope", "--type", "copy",
                                 "--via", "phone", "--json").code, 4)

    def test_list_overdue_and_status(self):
        sid = self.sid(self.mobiles[0])
        r = self.open(sid, "explanation")
        env = dict(self.env, JADEVAULT_FAKE_NOW="2026-10-23T02:00:00Z")
        l = self.jv_ok("requests", "list", "--json", env=env).json()["requests"]
        self.assertEqual([x["id"] for x in l], [r["id"]])
        self.assertTrue(l[0]["overdue"])
        self.assertEqual(l[0]["subject"], sid)
        env = dict(self.env, JADEVAULT_FAKE_NOW="2026-10-22T02:00:00Z")
        self.assertFalse(self.jv_ok("requests", "list", "--json", env=env).json()[
            "requests"][0]["overdue"])
        self.assertEqual(self.jv_ok("requests", "list", "--status", "refused", "--json")
                         .json()["requests"], [])

    def test_copy_writes_three_files_0600(self):
        sid = self.sid(self.mobiles[1])
        r = self.open(sid, "copy")
        out = os.path.join(self.tmp, "out")
        doc = self.jv_ok("requests", "fulfil", r["id"], "--out", out, "--json").json()
        self.assertEqual(doc["status"], "fulfilled")
        self.assertEqual(sorted(doc["files"]),
                         sorted([r["id"] + ext for ext in (".json", ".csv", ".html")]))
        for name in doc["files"]:
            mode = stat.S_IMODE(os.stat(os.path.join(out, name)).st_mode)
            self.assertEqual(mode, 0o600, name)
        with open(os.path.join(out, r["id"] + ".json"), encoding="utf-8") as f:
            data = json.load(f)
        self.assertIn(self.mobiles[1], json.dumps(data, ensure_ascii=False))
        with open(os.path.join(out, r["id"] + ".csv"), encoding="utf-8") as f:
            self.assertIn(self.mobiles[1], f.read())
        with open(os.path.join(out, r["id"] + ".html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn('lang="zh-CN"', html)
        self.assertIn(self.mobiles[1], html)
        # A fulfilled request cannot be fulfilled again (exit 5).
        self.assertEqual(self.jv("requests", "fulfil", r["id"], "--out", out, "--json").code, 5)
        # The audit log names the request, never the customer's values.
        log = os.path.join(self.tmp, "a.jsonl")
        self.jv_ok("audit", "export", "--out", log, "--json")
        with open(log, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("request.fulfil", text)
        self.assertNotIn(self.mobiles[1], text)

    def test_portability_json_only(self):
        r = self.open(self.sid(self.mobiles[1]), "portability")
        out = os.path.join(self.tmp, "out")
        doc = self.jv_ok("requests", "fulfil", r["id"], "--out", out, "--json").json()
        self.assertEqual(doc["files"], [r["id"] + ".json"])
        self.assertEqual(os.listdir(out), [r["id"] + ".json"])

    def test_deletion_shreds_and_ends_backup_epoch(self):
        sid = self.sid(self.mobiles[2])
        r = self.open(sid, "deletion")
        doc = self.jv_ok("requests", "fulfil", r["id"], "--json").json()
        self.assertEqual(doc["shredded"], 1)
        self.assertTrue(doc["backup_needed"])
        self.assertEqual(self.jv_ok("subjects", "find", "--mobile", self.mobiles[2], "--json")
                         .json()["subjects"], [])

    def test_other_type_marked_with_note(self):
        r = self.open(self.sid(self.mobiles[3]), "withdraw")
        doc = self.jv_ok("requests", "fulfil", r["id"], "--json").json()
        self.assertEqual(doc["status"], "fulfilled")
        self.assertIn("note", doc)

    def test_refuse_needs_reason(self):
        r = self.open(self.sid(self.mobiles[3]), "restriction")
        self.assertEqual(self.jv("requests", "refuse", r["id"], "--json").code, 4)
        doc = self.jv_ok("requests", "refuse", r["id"], "--reason", "法定保存期内 (statutory "
                         "retention)", "--json").json()
        self.assertEqual(doc["status"], "refused")
        self.assertTrue(doc["has_reason"])
        self.assertNotIn("reason", doc)
        # The reason is sealed: not in the stored attributes.
        attrs = self.store_sql("SELECT attrs_json FROM objects WHERE kind = 'request'")
        self.assertEqual(len(attrs), 1)
        self.assertIn("restriction", attrs[0])
        self.assertNotIn("statutory", attrs[0])
        l = self.jv_ok("requests", "list", "--status", "refused", "--json").json()["requests"]
        self.assertEqual([x["id"] for x in l], [r["id"]])


if __name__ == "__main__":
    unittest.main()
