"""End to end: `jadevault datagen` writes messy synthetic exports and FILE.expected.json;
`jadevault import` (and `scan`) must report exactly what the generator says it built
(issue 3, SPEC §5.5). All data is synthetic.
"""
import json
import os
import unittest

from jvtest import VaultTestCase

IMPORT_DATE = "2025-06-30"
ROWS = 5000

# The §5.5 keys compared one by one (plus the extras both sides define).
SCALAR_KEYS = ["format", "encoding", "kind", "import_date", "rows_read", "rows_rejected",
               "rows_imported", "subjects_created", "rows_merged", "shared_contact", "minors",
               "free_text_pii", "rejected_truncated"]


class DatagenImportTest(VaultTestCase):
    def generate(self, name, *args, rows=ROWS, seed=11):
        path = os.path.join(self.tmp, name)
        r = self.jv_ok("datagen", "--rows", str(rows), "--out", path, "--seed", str(seed),
                       "--import-date", IMPORT_DATE, "--json", *args)
        doc = r.json()
        self.assertTrue(doc["ok"])
        with open(path + ".expected.json", encoding="utf-8") as f:
            expected = json.load(f)
        self.assertEqual(doc["report"], expected)
        return path, expected

    def assert_report(self, report, expected):
        for key in SCALAR_KEYS:
            self.assertEqual(report.get(key), expected[key], key)
        for key in ("rows_matched", "rows_unmatched"):
            if key in expected:
                self.assertEqual(report.get(key), expected[key], key)
        self.assertEqual(report["id_number"], expected["id_number"])
        for field, counts in expected["fields"].items():
            self.assertEqual(report["fields"].get(field), counts, field)
        # Fields of the kind that the file does not have are all zero.
        for field, counts in report["fields"].items():
            if field not in expected["fields"]:
                self.assertEqual(counts, {"present": 0, "valid": 0, "invalid": 0}, field)
        self.assertEqual(report["rejected"], expected["rejected"])

    def import_and_compare(self, path, expected, *extra):
        r = self.jv_ok("import", path, "--import-date", IMPORT_DATE, "--json", *extra)
        self.assert_report(r.json(), expected)

    def test_csv_utf8_bom_crlf(self):
        self.init()
        path, expected = self.generate("customers.csv", "--encoding", "utf-8-bom",
                                       "--line-ending", "crlf")
        self.assertEqual(expected["encoding"], "utf-8-bom")
        self.assertGreater(expected["shared_contact"], 0)
        self.assertGreater(expected["rows_rejected"], 0)
        self.import_and_compare(path, expected)

    def test_gb18030(self):
        self.init()
        path, expected = self.generate("customers-gbk.csv", "--encoding", "gb18030",
                                       "--line-ending", "lf", seed=12)
        self.assertEqual(expected["encoding"], "gb18030")
        self.import_and_compare(path, expected)

    def test_xlsx_shared_strings(self):
        self.init()
        path, expected = self.generate("customers-shared.xlsx", "--xlsx-strings", "shared",
                                       seed=13)
        self.assertEqual(expected["format"], "xlsx")
        self.import_and_compare(path, expected)

    def test_xlsx_inline_strings(self):
        self.init()
        path, expected = self.generate("customers-inline.xlsx", "--xlsx-strings", "inline",
                                       seed=14)
        self.import_and_compare(path, expected)

    def test_scan_tsv_utf16_and_jsonl(self):
        # scan: the counts an import into an empty vault would give, nothing stored.
        for name, args, seed in (("c.tsv", ("--encoding", "utf-16le"), 15),
                                 ("c.jsonl", (), 16)):
            path, expected = self.generate(name, *args, seed=seed)
            r = self.jv_ok("scan", path, "--import-date", IMPORT_DATE, "--json")
            self.assert_report(r.json(), expected)

    def test_other_kinds_into_an_empty_vault_are_unmatched(self):
        self.init()
        for kind, seed in (("transactions", 17), ("items", 18), ("balances", 19)):
            path, expected = self.generate(kind + ".csv", "--kind", kind, rows=2000, seed=seed)
            self.assertEqual(expected["rows_unmatched"], expected["rows_imported"])
            self.import_and_compare(path, expected, "--kind", kind)

    def test_same_seed_same_file(self):
        a, _ = self.generate("a.csv", rows=500, seed=5)
        b, _ = self.generate("b.csv", rows=500, seed=5)
        with open(a, "rb") as fa, open(b, "rb") as fb:
            self.assertEqual(fa.read(), fb.read())


if __name__ == "__main__":
    unittest.main()
