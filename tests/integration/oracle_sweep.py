#!/usr/bin/python3
"""Many seeds of test_import_oracle's comparison, by hand (not run by ctest).

For each seed in [FIRST, LAST): oracle_rows.py makes 2,000 random messy rows (plus four rows
of empty cells), one of four writers writes them (CSV in UTF-8 with BOM and CRLF with rows of
wrong length, the same in GB18030, openpyxl, a hand-built inline-strings workbook; by seed
mod 4; every other openpyxl seed is an XlsxWriter shared-strings workbook instead),
`jadevault scan` reads the file, and every §5.5 count, every fields.* entry and the
rejected row numbers are compared with ingest_oracle.py's. Prints each difference and their
number. Usage (from the project root, after a build):
  /usr/bin/python3 tests/integration/oracle_sweep.py 100 400 [build/jadevault]
"""
import json
import os
import random
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_fixtures as fx  # noqa: E402
import ingest_oracle as oracle  # noqa: E402
import oracle_rows as gen  # noqa: E402
from test_import_oracle import (COUNT_KEYS, IMPORT_DATE, csv_bytes, with_bad_lengths,  # noqa: E402
                                xlsx_typed_cells)

ROWS = 2000


def scan(jv, path):
    out = subprocess.run([jv, "scan", path, "--import-date", IMPORT_DATE.isoformat(), "--json"],
                         capture_output=True, check=False)
    if out.returncode != 0:
        raise SystemExit("%s: scan failed: %s" % (path, out.stderr.decode()))
    return json.loads(out.stdout)


def differences(got, want, where):
    n = 0
    for k in COUNT_KEYS:
        if got[k] != want[k]:
            print(where, k, "jadevault", got[k], "oracle", want[k])
            n += 1
    for f, c in want["fields"].items():
        if got["fields"][f] != c:
            print(where, "fields." + f, "jadevault", got["fields"][f], "oracle", c)
            n += 1
    if not got.get("rejected_truncated") and [x["row"] for x in got["rejected"]] != want["rejected"]:
        print(where, "rejected row numbers differ")
        n += 1
    return n


def main():
    first, last = int(sys.argv[1]), int(sys.argv[2])
    jv = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else "build/jadevault")
    tmp = tempfile.mkdtemp(prefix="jv-oracle-")
    total = 0
    for seed in range(first, last):
        rnd = random.Random(seed)
        rows = gen.make_rows(seed, ROWS, IMPORT_DATE)
        for _ in range(4):
            rows.insert(rnd.randint(1, len(rows) - 1), [""] * len(gen.FIELDS))
        head = gen.header(seed)
        kind = seed % 4
        if kind in (0, 1):
            rows = with_bad_lengths(rows, seed)
            path = os.path.join(tmp, "s.csv")
            data = (csv_bytes(head, rows, "utf-8", bom=b"\xef\xbb\xbf") if kind == 0
                    else csv_bytes(head, rows, "gb18030"))
            with open(path, "wb") as f:
                f.write(data)
        elif kind == 2 and seed % 8 == 6:
            path = os.path.join(tmp, "shared.xlsx")
            fx.xlsx_shared_strings(path, rows=rows, header=head)
        elif kind == 2:
            import openpyxl  # python3-openpyxl
            path = os.path.join(tmp, "s.xlsx")
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(head)
            for r in xlsx_typed_cells(rows):
                ws.append([c if c != "" else None for c in r])
            wb.save(path)
        else:
            path = os.path.join(tmp, "inline.xlsx")
            fx.xlsx_inline_strings(path, rows=rows, header=head)
        want = oracle.report(rows, gen.FIELDS, IMPORT_DATE)
        total += differences(scan(jv, path), want, "seed %d (%s)" % (seed, os.path.basename(path)))
    print("differences:", total)
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
