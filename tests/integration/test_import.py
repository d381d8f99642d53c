"""End-to-end checks of import, scan and subjects find/show (issue 3, SPEC §5).

The same hand-made customers file (import_fixtures.py, counts worked out row by row) is
imported as UTF-8 CSV with BOM and CRLF, as GB18030 CSV, as an XLSX with shared strings
(openpyxl) and as an XLSX with inline strings (hand-built): every §5.5 count must be the
one §5.3-5.4 prescribe. All data is synthetic.
"""
import json
import os
import pty
import re
import subprocess

import import_fixtures as fx
from jvtest import JADEVAULT, VaultTestCase

SPEC_KEYS = ["source", "encoding", "kind", "rows_read", "rows_rejected", "rows_imported",
             "subjects_created", "rows_merged", "shared_contact", "minors", "fields", "id_number",
             "free_text_pii", "rejected", "seconds"]


class ImportTestCase(VaultTestCase):
    def imp(self, path, *extra):
        return self.jv("import", path, "--import-date", fx.IMPORT_DATE, "--json", *extra)

    def assert_expected(self, rep, rows_read_extra=0, rejected_extra=0):
        for k in SPEC_KEYS:
            self.assertIn(k, rep)
        exp = fx.EXPECTED
        self.assertEqual(rep["rows_read"], exp["rows_read"] + rows_read_extra)
        self.assertEqual(rep["rows_rejected"], exp["rows_rejected"] + rejected_extra)
        for k in ("rows_imported", "subjects_created", "rows_merged", "shared_contact", "minors",
                  "free_text_pii"):
            self.assertEqual(rep[k], exp[k], k)
        self.assertEqual(rep["id_number"], exp["id_number"])
        for f, c in exp["fields"].items():
            self.assertEqual(rep["fields"][f], c, f)
        self.assertEqual(rep["kind"], "customers")


class FormatsTest(ImportTestCase):
    def test_utf8_bom_crlf_csv(self):
        self.init()
        path = self.write("customers.csv", fx.csv_utf8_bom_crlf(extra_rows=[["VIP012", "孙七"]]))
        r = self.imp(path)
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        self.assertEqual(rep["encoding"], "utf-8-bom")
        self.assert_expected(rep, rows_read_extra=1, rejected_extra=1)
        self.assertEqual(rep["rejected"], [
            {"row": 5, "reason": "none of name, mobile, id_number, email, address, member_no is present"},
            {"row": 12, "reason": "expected 12 fields, found 2"}])

    def test_gb18030_csv(self):
        self.init()
        path = self.write("customers_gbk.csv", fx.csv_gb18030())
        r = self.imp(path)
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        self.assertEqual(rep["encoding"], "gb18030")
        self.assert_expected(rep)
        # Forced with --encoding as well.
        r = self.jv("scan", path, "--encoding", "gbk", "--import-date", fx.IMPORT_DATE, "--json")
        self.assertEqual(r.code, 0, r.stderr.decode())
        self.assert_expected(r.json())

    def test_xlsx_shared_strings(self):
        self.init()
        path = os.path.join(self.tmp, "customers.xlsx")
        fx.xlsx_shared_strings(path)
        r = self.imp(path)
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        self.assertEqual(rep["format"], "xlsx")
        self.assert_expected(rep)
        r = self.jv("import", path, "--sheet", "客户", "--json", "--force")
        self.assertEqual(r.code, 0, r.stderr.decode())
        r = self.jv("scan", path, "--sheet", "没有这个表", "--json")
        self.assertEqual(r.code, 4)

    def test_xlsx_inline_strings(self):
        self.init()
        path = os.path.join(self.tmp, "inline.xlsx")
        fx.xlsx_inline_strings(path)
        r = self.imp(path)
        self.assertEqual(r.code, 0, r.stderr.decode())
        self.assert_expected(r.json())

    def test_scan_needs_no_vault_and_stores_nothing(self):
        path = self.write("customers.csv", fx.csv_utf8_bom_crlf())
        r = self.jv("scan", path, "--import-date", fx.IMPORT_DATE, "--json", passphrase=None)
        self.assertEqual(r.code, 0, r.stderr.decode())
        doc = r.json()
        self.assert_expected(doc)
        self.assertFalse(os.path.exists(self.vault))
        cols = {c["header"]: c for c in doc["columns"]}
        self.assertEqual(cols["手机"]["field"], "mobile")
        self.assertEqual(cols["手机"]["how"], "header")
        self.assertEqual(cols["手机"]["detectors"]["mobile"]["matches"], 7)

    def test_value_detection_for_unknown_headers(self):
        rows = [["x%d" % i, "1380013%04d" % i, fx.make_id("11010519900101%03d" % i)]
                for i in range(20)]
        text = "甲,乙,丙\n" + "\n".join(",".join(r) for r in rows) + "\n"
        path = self.write("unknown.csv", text.encode())
        r = self.jv("scan", path, "--json")
        self.assertEqual(r.code, 0, r.stderr.decode())
        m = {c["header"]: (c["field"], c["how"]) for c in r.json()["columns"]}
        self.assertEqual(m["甲"], (None, "none"))
        self.assertEqual(m["乙"], ("mobile", "values"))
        self.assertEqual(m["丙"], ("id_number", "values"))
        mapping = self.write("m.toml", '[columns]\n"甲" = "member_no"\n'.encode())
        r = self.jv("scan", path, "--mapping", mapping, "--json")
        m = {c["header"]: (c["field"], c["how"]) for c in r.json()["columns"]}
        self.assertEqual(m["甲"], ("member_no", "mapping"))
        bad = self.write("bad.toml", '[columns]\n"甲" = "shoe_size"\n'.encode())
        r = self.jv("scan", path, "--mapping", bad, "--json")
        self.assertEqual(r.code, 4)


class VaultEffectsTest(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.path = self.write("customers.csv", fx.csv_utf8_bom_crlf())
        r = self.imp(self.path)
        self.assertEqual(r.code, 0, r.stderr.decode())
        self.report = r.json()

    def test_no_personal_value_in_any_vault_file(self):
        blob = self.vault_bytes()
        self.assertTrue(blob)
        for s in fx.SECRETS:
            self.assertNotIn(s.encode("utf-8"), blob, "a synthetic value leaked")
            self.assertNotIn(s.encode("utf-16-le"), blob, "a synthetic value leaked (UTF-16)")

    def test_reimport_refused_unchanged_then_forced(self):
        before = self.vault_digest()
        r = self.imp(self.path)
        self.assertEqual(r.code, 4)
        self.assertIn("already imported", r.stderr.decode())
        doc = r.json()
        self.assertFalse(doc["ok"])
        self.assertEqual(doc["previous_report"]["subjects_created"], 7)
        self.assertEqual(self.vault_digest(), before)
        subjects = self.store_sql("SELECT id FROM subjects ORDER BY id")
        r = self.imp(self.path, "--force")
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        # Every row merges, the two without ID number, mobile or e-mail (a mangled ID and a
        # name only) into the subjects their first import made.
        self.assertEqual(rep["rows_imported"], 10)
        self.assertEqual(rep["rows_merged"], 10)
        self.assertEqual(rep["subjects_created"], 0)
        self.assertEqual(rep["shared_contact"], 0)
        self.assertEqual(self.store_sql("SELECT id FROM subjects ORDER BY id"), subjects)
        records = self.store_sql("SELECT subject_id, row_no FROM records ORDER BY subject_id, "
                                 "row_no, id")
        self.assertEqual(len(records), 20)  # each row's record, twice, under one subject
        by_row = {}
        for line in records:
            sid, row_no = line.split("|")
            by_row.setdefault(row_no, set()).add(sid)
        self.assertTrue(all(len(s) == 1 for s in by_row.values()), by_row)

    def test_one_audit_entry_per_import_without_values(self):
        out = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", out)
        with open(out, encoding="utf-8") as f:
            lines = f.read()
        self.assertEqual(len(re.findall(r'"action":"import"', lines)), 1)
        for s in fx.SECRETS:
            self.assertNotIn(s, lines)

    def test_find_by_any_spelling_masked_and_audited(self):
        r = self.jv_ok("subjects", "find", "--mobile", "+86 138-0013-8000", "--json")
        subjects = r.json()["subjects"]
        self.assertEqual(len(subjects), 2)  # 张三's subject and the shared-contact one
        self.assertEqual(subjects[0]["masked"]["mobile"], "138****8000")
        self.assertEqual(subjects[0]["masked"]["id_number"], fx.ID_A[:6] + "********" + fx.ID_A[14:])
        self.assertEqual(subjects[0]["masked"]["name"], "王*")  # newest name of S1 (row 3)
        self.assertEqual(subjects[0]["state"], "active")
        r = self.jv_ok("subjects", "find", "--id-number", fx.ID_B15, "--json")
        self.assertEqual(len(r.json()["subjects"]), 1)  # the 15-digit spelling finds it
        r = self.jv_ok("subjects", "find", "--email", "WU@example.COM", "--json")
        self.assertEqual(len(r.json()["subjects"]), 1)
        r = self.jv_ok("subjects", "find", "--name", "张 三", "--json")
        self.assertEqual(len(r.json()["subjects"]), 1)
        r = self.jv_ok("subjects", "find", "--mobile", "13999999999", "--json")
        self.assertEqual(r.json(), {"subjects": []})
        self.assertNotIn(b"13800138000", r.stdout)
        out = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", out)
        with open(out, encoding="utf-8") as f:
            text = f.read()
        self.assertGreaterEqual(text.count('"subject.read"'), 4)

    def test_show_and_reveal_with_reason(self):
        sid = self.jv_ok("subjects", "find", "--id-number", fx.ID_A, "--json").json()["subjects"][0]["id"]
        doc = self.jv_ok("subjects", "show", sid, "--json").json()
        self.assertEqual(doc["id"], sid)
        self.assertEqual(doc["masked"]["mobile"], "138****8000")
        self.assertEqual(len(doc["records"]), 2)
        self.assertNotIn(b"13800138000", self.jv_ok("subjects", "show", sid, "--json").stdout)
        r = self.jv("subjects", "show", sid, "--reveal", "mobile", "--purpose", "dsar", "--json")
        self.assertEqual(r.code, 5)
        r = self.jv_ok("subjects", "show", sid, "--reveal", "mobile", "--purpose", "dsar",
                       "--reason", "客户来电核实身份", "--json")
        self.assertEqual(r.json()["revealed"], {"mobile": "13800138000"})
        out = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", out)
        with open(out, encoding="utf-8") as f:
            entries = [json.loads(l) for l in f if l.strip()]
        reveals = [e for e in entries if e.get("action") == "subject.reveal"]
        self.assertEqual(len(reveals), 1)
        self.assertEqual(reveals[0]["subject"], sid)
        self.assertEqual(reveals[0]["purpose"], "dsar")
        self.assertNotIn("13800138000", json.dumps(entries, ensure_ascii=False))
        r = self.jv("subjects", "show", "s_doesnotexist", "--json")
        self.assertEqual(r.code, 4)

    def test_transactions_attach_or_are_listed_unmatched(self):
        text = ("交易日期,会员卡号,手机,金额,支付方式\n"
                "2024-01-02,VIP001,,\"¥2,000.00\",微信\n"
                "2024-01-03,,15000150000,500,现金\n"
                "2024-01-04,VIP999,13999999999,99,现金\n")
        path = self.write("txn.csv", text.encode())
        r = self.jv("import", path, "--kind", "transactions", "--json")
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        self.assertEqual(rep["kind"], "transactions")
        self.assertEqual(rep["rows_imported"], 3)
        self.assertEqual(rep["rows_matched"], 2)
        self.assertEqual(rep["rows_unmatched"], 1)
        self.assertEqual(rep["unmatched"], [3])
        self.assertEqual(rep["fields"]["amount"], {"present": 3, "valid": 3, "invalid": 0})


class TerminalTest(ImportTestCase):
    def test_progress_bar_then_the_finishing_line_on_a_terminal(self):
        """On a terminal, stderr shows the row bar up to 100 %, then a line saying the last
        batch and the index are being written (seconds per million rows with no row left to
        count); with --json and no terminal (every other test) stderr has neither."""
        self.init()
        path = self.write("c.csv", fx.csv_text(fx.generated_rows(4500)).encode())
        master, slave = pty.openpty()
        proc = subprocess.Popen([JADEVAULT, "--vault", self.vault, "import", path],
                                env=self.env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=slave)
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        os.close(master)
        out = proc.stdout.read()
        proc.stdout.close()
        self.assertEqual(proc.wait(timeout=120), 0, seen.decode(errors="replace"))
        text = seen.decode()
        self.assertIn("导入 (import) [", text)
        full = text.find("100%")
        finishing = text.find("写入最后一批并建立索引 (writing the last batch and building the index)")
        self.assertGreater(full, 0)
        self.assertGreater(finishing, full)
        self.assertNotIn("导入 (import)", text[finishing:])  # the bar is not drawn again
        self.assertTrue(out)  # the human summary stays on stdout
        r = self.imp(self.write("d.csv", fx.csv_text(fx.generated_rows(50, seed=9)).encode()))
        self.assertEqual(r.code, 0)
        self.assertNotIn("建立索引".encode(), r.stderr)


class BadFilesTest(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.before = self.vault_digest()

    def assert_refused(self, path, *extra, where=None):
        r = self.jv("import", path, "--json", *extra)
        self.assertEqual(r.code, 4, r.stderr.decode())
        err = r.stderr.decode()
        self.assertIn(os.path.basename(path), err)
        if where:
            self.assertIn(where, err)
        self.assertEqual(self.vault_digest(), self.before)
        return err

    def test_truncated_xlsx(self):
        full = os.path.join(self.tmp, "full.xlsx")
        fx.xlsx_shared_strings(full)
        with open(full, "rb") as f:
            data = f.read()
        self.assert_refused(self.write("truncated.xlsx", data[: len(data) // 2]))

    def test_binary_garbage(self):
        import random
        rnd = random.Random(3)
        self.assert_refused(self.write("garbage.csv", bytes(rnd.randrange(256) for _ in range(100000))))

    def test_binary_after_good_rows(self):
        data = fx.csv_utf8_bom_crlf() + b"\x00\x01\x02\x03" * 100 + b"\r\n"
        self.assert_refused(self.write("tail.csv", data), where="line")

    def test_hundred_megabyte_single_line(self):
        path = os.path.join(self.tmp, "oneline.csv")
        with open(path, "wb") as f:
            chunk = b"a," * (1 << 20)
            for _ in range(50):
                f.write(chunk)
        self.assert_refused(path, where="line 1")

    def test_invalid_bytes_in_declared_encoding(self):
        data = fx.csv_gb18030()
        self.assert_refused(self.write("declared_utf8.csv", data), "--encoding", "utf-8")

    def test_invalid_bytes_in_one_row_of_a_declared_encoding(self):
        """Declared with --encoding, one bad row makes the file "not what it claims": the
        import stops before writing anything. Detected, the same row is rejected (§5.4)."""
        good = "姓名,手机\n测试甲,13800138000\n测试乙,13900139000\n"
        for declared, data, where in (
                ("utf-8", good.encode() + b"\xff\xfe,13700137000\n", "line 4, column 1"),
                ("gb18030", good.encode("gb18030") + b"x,\x81\x20\n", "line 4, column 2")):
            path = self.write("declared_%s.csv" % declared, data)
            err = self.assert_refused(path, "--encoding", declared, where=where)
            self.assertIn("--encoding declared the file " + declared, err)
        r = self.jv("import", path, "--json")  # GB18030 detected, not declared
        self.assertEqual(r.code, 0, r.stderr.decode())
        rep = r.json()
        self.assertEqual((rep["encoding"], rep["rows_imported"], rep["rows_rejected"]),
                         ("gb18030", 2, 1))
        self.assertEqual(rep["rejected"], [{"row": 3, "reason": "invalid GB18030 bytes in column 2"}])

    def test_missing_file(self):
        r = self.jv("import", os.path.join(self.tmp, "absent.csv"), "--json")
        self.assertEqual(r.code, 4)
        self.assertEqual(self.vault_digest(), self.before)


class AllocatorTest(VaultTestCase):
    """The figures of docs/performance.md are for a binary that allocates through jemalloc
    (CMake option JV_USE_JEMALLOC, on by default): an import makes and frees several small
    strings per cell. jemalloc prints its statistics at exit when MALLOC_CONF asks it to;
    glibc's malloc ignores the variable."""

    def test_binary_allocates_through_jemalloc(self):
        env = dict(self.env, MALLOC_CONF="stats_print:true")
        r = self.jv("--version", env=env)
        self.assertEqual(r.code, 0)
        self.assertIn(b"jemalloc statistics", r.stderr + r.stdout)
