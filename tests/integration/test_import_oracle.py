"""Every §5.5 count of random messy files equals what an independent model of §5.3-5.4 says.

Issue 3 checks the import on exports made by tools other than the project's generator,
with counts worked out from the SPEC's rules. This test does the same on many more rows
than the hand-made fixture: oracle_rows.py makes reproducible random rows, Python's csv
module, openpyxl and a hand-built inline-strings workbook write them, and
ingest_oracle.py (a separate reading of the SPEC in Python) works out the report the
import must give. All data is synthetic.
"""
import csv
import datetime
import io
import json
import os
import random
import re

import import_fixtures as fx
import ingest_oracle as oracle
import oracle_rows as gen
from jvtest import VaultTestCase

IMPORT_DATE = datetime.date(2025, 6, 30)
ROWS = 1500
COUNT_KEYS = ["rows_read", "rows_rejected", "rows_imported", "subjects_created", "rows_merged",
              "shared_contact", "minors", "free_text_pii", "id_number"]


def with_bad_lengths(rows, seed):
    """Rows with a few cells too many or too few put in at random places (CSV only)."""
    rnd = random.Random(seed)
    out = [list(r) for r in rows]
    for _ in range(6):
        row = list(rnd.choice(rows))
        row = row[:rnd.randint(1, len(row) - 1)] if rnd.random() < 0.6 else row + ["多余"]
        out.insert(rnd.randint(0, len(out)), row)
    return out


def csv_bytes(header, rows, encoding, delimiter=",", bom=b""):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return bom + text.getvalue().encode(encoding)


def xlsx_typed_cells(rows):
    """openpyxl cell values: canonical mobiles as numbers, ISO birth dates as date cells —
    what an export saved from Excel holds."""
    mobile = gen.FIELDS.index("mobile")
    birth = gen.FIELDS.index("birth_date")
    out = []
    for r in rows:
        r = list(r)
        if r[mobile].isdigit() and len(r[mobile]) == 11:
            r[mobile] = int(r[mobile])
        b = r[birth]
        if len(b) == 10 and b[4] == "-" and oracle.date(b) is not None:
            r[birth] = datetime.date.fromisoformat(b)
        out.append(r)
    return out


class OracleTest(VaultTestCase):
    def check(self, path, rows, seed):
        """Import `path` into a fresh vault (one per test: on PostgreSQL each test has one
        database); its report must be the oracle's for `rows`."""
        want = oracle.report(rows, gen.FIELDS, IMPORT_DATE)
        # scan (no vault, nothing stored) prints the counts an import into an empty vault
        # gives (§5.5 "also scan"); then the import itself.
        scan = self.jv("scan", path, "--import-date", IMPORT_DATE.isoformat(), "--json",
                       passphrase=None)
        self.assertEqual(scan.code, 0, scan.stderr.decode())
        self.assert_oracle(scan.json(), want, "seed %d, scan %s" % (seed, os.path.basename(path)))
        self.vault = os.path.join(self.tmp, "vault-" + os.path.basename(path))
        self.init()
        r = self.jv("import", path, "--import-date", IMPORT_DATE.isoformat(), "--json")
        self.assertEqual(r.code, 0, r.stderr.decode())
        got = r.json()
        self.assert_oracle(got, want, "seed %d, import %s" % (seed, os.path.basename(path)))
        return got

    def assert_oracle(self, got, want, where):
        for k in COUNT_KEYS:
            self.assertEqual(got[k], want[k], "%s: %s" % (where, k))
        for f, c in want["fields"].items():
            self.assertEqual(got["fields"][f], c, "%s: fields.%s" % (where, f))
        if not got.get("rejected_truncated"):
            self.assertEqual([x["row"] for x in got["rejected"]], want["rejected"], where)
        mapped = {m["header"]: m["field"] for m in got["mapping"]}
        self.assertEqual(sorted(mapped.values()), sorted(gen.FIELDS), where)

    def utf8_bom_crlf(self, seed):
        head = gen.header(seed)
        rows = with_bad_lengths(gen.make_rows(seed, ROWS, IMPORT_DATE), seed)
        path = self.write("s%d.csv" % seed, csv_bytes(head, rows, "utf-8", bom=b"\xef\xbb\xbf"))
        self.assertEqual(self.check(path, rows, seed)["encoding"], "utf-8-bom")

    def test_csv_utf8_bom_crlf(self):
        self.utf8_bom_crlf(1)

    def test_csv_utf8_bom_crlf_another_seed(self):
        self.utf8_bom_crlf(2)

    def test_no_imported_value_is_stored_in_the_clear(self):
        """Done-when: none of the imported names, mobiles, ID numbers, e-mails or card
        numbers appears in any file under the vault directory — checked for every value of
        a random file, in its canonical form and as spelled in the file."""
        seed = 8
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        path = self.write("s8.csv", csv_bytes(gen.header(seed), rows, "utf-8"))
        self.check(path, rows, seed)
        needles = set()
        for row in rows:
            cell = dict(zip(gen.FIELDS, row))
            canonical = {
                "name": oracle.normalize_cell(cell["name"]),
                "mobile": oracle.mobile(oracle.normalize_cell(cell["mobile"])),
                "id_number": oracle.id_number(oracle.normalize_cell(cell["id_number"]),
                                              IMPORT_DATE).canonical,
                "email": oracle.email(oracle.normalize_cell(cell["email"])),
                "bank_card": oracle.bank_card(oracle.normalize_cell(cell["bank_card"])),
            }
            for f, v in canonical.items():
                for value in (v, cell[f].strip()):
                    if value and len(value.encode()) >= 6:
                        needles.add(value.encode())
        self.assertGreater(len(needles), 2000)
        # Runs of text-like bytes in everything the vault stores; a value stored in the
        # clear would be inside one of them.
        runs = re.findall(rb"(?:[0-9A-Za-z@._+ -]|[\xe0-\xef][\x80-\xbf]{2}){6,}",
                          self.vault_bytes())
        text = b"\0".join(runs)
        leaked = [n for n in needles if n in text]
        self.assertEqual(len(leaked), 0, "%d synthetic values stored in the clear" % len(leaked))

    def test_csv_gb18030(self):
        seed = 3
        rows = with_bad_lengths(gen.make_rows(seed, ROWS, IMPORT_DATE), seed)
        path = self.write("s3-gb.csv", csv_bytes(gen.header(seed), rows, "gb18030"))
        self.assertEqual(self.check(path, rows, seed)["encoding"], "gb18030")

    def test_tsv_utf16(self):
        seed = 4
        rows = with_bad_lengths(gen.make_rows(seed, ROWS, IMPORT_DATE), seed)
        path = self.write("s4.tsv", csv_bytes(gen.header(seed), rows, "utf-16", delimiter="\t"))
        self.check(path, rows, seed)

    def json_lines(self, seed, escaped):
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        head = gen.header(seed)
        lines = [json.dumps(dict(zip(head, r)), ensure_ascii=escaped) for r in rows]
        path = self.write("s%d.jsonl" % seed, ("\n".join(lines) + "\n").encode("utf-8"))
        self.assertEqual(self.check(path, rows, seed)["format"], "jsonl")

    def test_json_lines(self):
        self.json_lines(9, escaped=False)

    def test_json_lines_escaped(self):
        self.json_lines(10, escaped=True)  # every non-ASCII character as \uXXXX

    def test_xlsx_openpyxl(self):
        """openpyxl (Debian's 3.0 writes inline strings), with numeric mobiles and date cells."""
        import openpyxl  # python3-openpyxl
        seed = 5
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        path = os.path.join(self.tmp, "s5.xlsx")
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(gen.header(seed))
        for r in xlsx_typed_cells(rows):
            ws.append([c if c != "" else None for c in r])
        wb.save(path)
        self.check(path, rows, seed)

    def test_xlsx_shared_strings(self):
        """XlsxWriter: a shared-strings table, numeric mobiles and date cells."""
        seed = 11
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        typed = xlsx_typed_cells(rows)
        formats = {}

        def cell(wb, ws, r, c, v):
            t = typed[r - 1][c]
            if isinstance(t, int):
                ws.write_number(r, c, t)
                return True
            if isinstance(t, datetime.date):
                if "date" not in formats:
                    formats["date"] = wb.add_format({"num_format": "yyyy-mm-dd"})
                ws.write_datetime(r, c, datetime.datetime(t.year, t.month, t.day),
                                  formats["date"])
                return True
            return False

        path = os.path.join(self.tmp, "s11.xlsx")
        fx.xlsx_shared_strings(path, rows=rows, header=gen.header(seed), cell=cell)
        self.check(path, rows, seed)

    def test_xlsx_inline_strings(self):
        seed = 6
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        path = os.path.join(self.tmp, "s6.xlsx")
        fx.xlsx_inline_strings(path, rows=rows, header=gen.header(seed))
        self.check(path, rows, seed)

    def test_forced_reimport_merges_every_row(self):
        """Done-when: with --force the same file merges every row into existing subjects,
        each into the subject its row went to the first time."""
        seed = 7
        rows = with_bad_lengths(gen.make_rows(seed, ROWS, IMPORT_DATE), seed)
        path = self.write("s7.csv", csv_bytes(gen.header(seed), rows, "utf-8"))
        first = self.check(path, rows, seed)
        placed = self.store_sql("SELECT row_no, subject_id FROM records ORDER BY id")
        again = self.jv("import", path, "--import-date", IMPORT_DATE.isoformat(), "--json",
                        "--force")
        self.assertEqual(again.code, 0, again.stderr.decode())
        rep = again.json()
        self.assertEqual(rep["rows_imported"], first["rows_imported"])
        self.assertEqual(rep["rows_merged"], first["rows_imported"])
        self.assertEqual(rep["subjects_created"], 0)
        self.assertEqual(rep["shared_contact"], 0)
        placed_again = self.store_sql("SELECT row_no, subject_id FROM records ORDER BY id")
        self.assertEqual(sorted(placed_again), sorted(placed + placed))

    def test_the_oracle_agrees_with_the_hand_worked_fixture(self):
        """The model itself is checked against the counts worked out by hand, row by row,
        in import_fixtures.py (a test of the test)."""
        fields = [oracle_field(h) for h in fx.HEADER]
        want = oracle.report(fx.ROWS, fields, IMPORT_DATE)
        for k in ("rows_read", "rows_rejected", "rows_imported", "subjects_created",
                  "rows_merged", "shared_contact", "minors", "free_text_pii", "id_number"):
            self.assertEqual(want[k], fx.EXPECTED[k], k)
        for f, c in fx.EXPECTED["fields"].items():
            self.assertEqual(want["fields"][f], c, f)


def oracle_field(header):
    for field, spellings in gen.COLUMNS:
        if header in spellings:
            return field
    return {"积分": None}.get(header)


if __name__ == "__main__":
    import unittest
    unittest.main()
