"""End to end on PostgreSQL (issue 7): a vault whose store is a PostgreSQL database.

* The same `jadevault datagen` export imported into a SQLite vault and a PostgreSQL vault
  gives the same report (apart from ids and times).
* A full `pg_dump` of the PostgreSQL database (and its table files, when readable here)
  contains none of the export's names, mobiles, ID numbers, e-mail addresses or bank card
  numbers: PostgreSQL sees only ciphertext, blind indexes and non-identifying columns.
* `keys rotate` works on PostgreSQL.
* Concurrent writers: two `jadevault import` processes of different files and several
  `responses record` processes at once on one vault; afterwards `audit verify` passes and
  every import's rows and every response are there. The writers are a list of commands
  (ConcurrentWritersTest.writers), so `serve` processes can be added to the same check.

Needs JV_TEST_PG_URL (scripts/test-services.sh); skips without it, fails if JV_REQUIRE_PG=1.
Each vault gets its own database (jvtest.PgDatabase). All data is synthetic.
"""
import csv
import hashlib
import json
import os
import re
import subprocess
import unittest

import jvtest
from jvtest import JADEVAULT, PgDatabase, VaultTestCase, psql

IMPORT_DATE = "2025-06-30"

# Header spellings (src/datagen/datagen.cc kHeaders, the three POS profiles) of the columns
# whose values must never reach the database.
PII_HEADERS = {
    "name": {"姓名", "客户姓名", "会员姓名"},
    "mobile": {"手机", "手机号码", "联系电话"},
    "id_number": {"身份证号", "证件号码", "身份证号码"},
    "email": {"邮箱", "电子邮箱", "Ｅｍａｉｌ"},
    "bank_card": {"银行卡号", "退款账户", "银行账号"},
}

# Report keys that legitimately differ between two vaults (ids, times, where it is stored).
VOLATILE = ("id", "time", "second", "elapsed", "micros", "rate", "vault", "store", "path",
            "file")


def normalize(doc):
    if isinstance(doc, dict):
        return {k: normalize(v) for k, v in doc.items()
                if not any(word in k.lower() for word in VOLATILE)}
    if isinstance(doc, list):
        return [normalize(v) for v in doc]
    return doc


# What a value of each kind looks like once spaces and dashes are gone. datagen also writes
# malformed values ("00000000000", too short, ...) that would match unrelated bytes such as
# the audit log's all-zero "prev" hash; those are not personal data and are left out.
VALUE_SHAPE = {
    "name": re.compile(r"^[\u4e00-\u9fff·]{2,}$"),
    "mobile": re.compile(r"^1[3-9][0-9]{9}$"),
    "id_number": re.compile(r"^[0-9]{17}[0-9Xx]$"),
    "email": re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]+$"),
    "bank_card": re.compile(r"^[0-9]{12,19}$"),
}


def pii_values(path):
    """{kind: set of values} from a UTF-8 datagen CSV, by header: each well-formed value as
    written and as normalized (spaces and dashes removed)."""
    out = {kind: set() for kind in PII_HEADERS}
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = [h.strip() for h in rows[0]]
    for kind, names in PII_HEADERS.items():
        cols = [i for i, h in enumerate(header) if h in names]
        for row in rows[1:]:
            for i in cols:
                if i < len(row):
                    v = row[i].strip()
                    norm = re.sub(r"[\s\-]", "", v)
                    if VALUE_SHAPE[kind].match(norm):
                        out[kind].add(norm)
                        out[kind].add(v)
    return out


class PostgresTestCase(VaultTestCase):
    def setUp(self):
        super().setUp()
        if self.pg is None:  # the suite runs on SQLite: make this test's database anyway
            self.pg = PgDatabase()

    def init_pg(self):
        return self.init(extra=("--store", self.pg.url))

    def generate(self, name, rows, seed):
        path = os.path.join(self.tmp, name)
        self.jv_ok("datagen", "--rows", str(rows), "--out", path, "--seed", str(seed),
                   "--import-date", IMPORT_DATE, "--encoding", "utf-8", "--line-ending", "lf",
                   "--json")
        return path

    def imp(self, path, vault=None):
        return self.jv_ok("import", path, "--import-date", IMPORT_DATE, "--json",
                          vault=vault).json()


class ImportOnPostgresTest(PostgresTestCase):
    def test_init_keeps_only_vault_toml_and_tls_in_the_directory(self):
        doc = self.init_pg()
        self.assertEqual(doc["store"], self.pg.url)
        self.assertEqual(sorted(os.listdir(self.vault)), ["tls", "vault.toml"])
        self.assertEqual(sorted(os.listdir(os.path.join(self.vault, "tls"))),
                         ["server.crt", "server.key"])
        self.assertEqual(psql(self.pg.url, "SELECT value FROM meta WHERE key = 'vault_id'").strip(),
                         doc["vault_id"])
        # A second init on the same database is refused; the database keeps its vault.
        other = os.path.join(self.tmp, "other")
        r = self.jv("init", "--company", "某某珠宝有限公司", "--store", self.pg.url,
                    "--scrypt-log-n", "14", "--json", vault=other)
        self.assertEqual(r.code, 4, r.stderr.decode())

    def test_vault_whose_database_lost_its_vault_is_not_found(self):
        self.init_pg()
        psql(self.pg.url, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        r = self.jv("audit", "verify", "--json")
        self.assertEqual(r.code, 4, r.stderr.decode())
        self.assertIn("no vault", r.stderr.decode())

    def test_same_report_as_sqlite_and_no_personal_value_in_pg_dump(self):
        path = self.generate("customers.csv", 2000, seed=21)
        self.init_pg()
        sqlite_vault = os.path.join(self.tmp, "sqlite_vault")
        self.init(vault=sqlite_vault)
        on_pg = self.imp(path)
        on_sqlite = self.imp(path, vault=sqlite_vault)
        self.assertGreater(on_pg["rows_imported"], 1000)
        self.assertEqual(normalize(on_pg), normalize(on_sqlite))
        self.assertEqual(psql(self.pg.url, "SELECT COUNT(*) FROM subjects").strip(),
                         str(on_pg["subjects_created"]))

        values = pii_values(path)
        for kind, vals in values.items():
            self.assertGreater(len(vals), 100, f"the export has too few {kind} values")
        dump = self.pg.dump()
        files = self.vault_bytes()  # dump + table files + vault.toml
        self.assertIn(b"CREATE TABLE public.records", dump)
        self.assertGreater(len(dump), 100000)  # the rows are in it
        for kind, vals in values.items():
            for v in vals:
                # assertFalse, not assertNotIn: the message must not print the dump.
                self.assertFalse(v.encode("utf-8") in dump, f"a {kind} value is in pg_dump")
                self.assertFalse(v.encode("utf-8") in files, f"a {kind} value is on disk")

        # Lookups still work: blind indexes on PostgreSQL.
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        col = [i for i, h in enumerate(rows[0]) if h.strip() in PII_HEADERS["mobile"]][0]
        mobile = next(r[col].strip() for r in rows[1:]
                      if len(r) > col and r[col].strip().isdigit() and len(r[col].strip()) == 11)
        found = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()
        self.assertGreaterEqual(len(found["subjects"]), 1)

    def test_keys_rotate_on_postgres(self):
        path = self.generate("customers.csv", 300, seed=22)
        self.init_pg()
        self.imp(path)
        keys_before = set(psql(self.pg.url,
                               "SELECT encode(wrapped, 'hex') FROM data_keys").split())
        self.assertTrue(keys_before)
        self.jv_ok("keys", "rotate", "--json", stdin=None)
        keys_after = set(psql(self.pg.url, "SELECT encode(wrapped, 'hex') FROM data_keys").split())
        self.assertEqual(len(keys_after), len(keys_before))
        self.assertFalse(keys_before & keys_after, "every data key is re-wrapped")
        # The old wrapped keys are gone from the dump and, after VACUUM FULL, the table files.
        raw = self.vault_bytes()
        for k in list(keys_before)[:50]:
            self.assertNotIn(bytes.fromhex(k), raw)
        self.jv_ok("audit", "verify", "--json")
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        col = [i for i, h in enumerate(rows[0]) if h.strip() in PII_HEADERS["mobile"]][0]
        mobile = next(r[col].strip() for r in rows[1:]
                      if len(r) > col and r[col].strip().isdigit() and len(r[col].strip()) == 11)
        found = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()
        self.assertGreaterEqual(len(found["subjects"]), 1)


class ConcurrentWritersTest(PostgresTestCase):
    RESPONSES = 6

    def writers(self, files, subjects):
        """(name, argv) of every writer to start at once. `serve` processes and their
        clients can be added here; check() then covers them too."""
        out = [(f"import:{os.path.basename(p)}",
                ["import", p, "--import-date", IMPORT_DATE, "--json"]) for p in files]
        for i, s in enumerate(subjects):
            kind = "object" if i % 2 == 0 else "consent"
            out.append((f"response:{s}", ["responses", "record", "--subject", s, "--type",
                                          kind, "--via", "phone", "--json"]))
        return out

    def test_imports_and_responses_at_once_lose_nothing(self):
        base = self.generate("base.csv", 200, seed=31)
        files = [self.generate("a.csv", 1500, seed=32), self.generate("b.csv", 1500, seed=33)]
        self.init_pg()
        self.imp(base)
        subjects = psql(self.pg.url, "SELECT id FROM subjects WHERE state = 'active' "
                                     f"ORDER BY id LIMIT {self.RESPONSES}").split()
        self.assertEqual(len(subjects), self.RESPONSES)
        audit_before = int(psql(self.pg.url, "SELECT COUNT(*) FROM audit").strip())

        procs = []
        for name, argv in self.writers(files, subjects):
            procs.append((name, subprocess.Popen(
                [JADEVAULT, "--vault", self.vault] + argv, env=self.env,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
        results = {}
        for name, p in procs:
            out, err = p.communicate(timeout=600)
            self.assertEqual(p.returncode, 0, f"{name}: {err.decode(errors='replace')}")
            results[name] = json.loads(out)

        self.jv_ok("audit", "verify", "--json")
        # Every import's rows are there, under its own source.
        for p in files:
            rep = results[f"import:{os.path.basename(p)}"]
            with open(p, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            src = psql(self.pg.url, "SELECT id, status FROM sources "
                                    f"WHERE file_hash = '{digest}'").split()
            self.assertEqual(len(src), 1, p)
            source_id, status = src[0].split("|")
            self.assertEqual(status, "complete")
            n = int(psql(self.pg.url, "SELECT COUNT(DISTINCT row_no) FROM records "
                                      f"WHERE source_id = '{source_id}'").strip())
            self.assertEqual(n, rep["rows_imported"], p)
        # Every response is there, and its subject's state with it.
        for s in subjects:
            rep = results[f"response:{s}"]
            row = psql(self.pg.url, "SELECT subject_id FROM objects WHERE kind = 'response' "
                                    f"AND id = '{rep['response']}'").strip()
            self.assertEqual(row, s)
            state = psql(self.pg.url, f"SELECT state FROM subjects WHERE id = '{s}'").strip()
            self.assertEqual(state, rep["state"])
        # One audit entry per write at least, in one dense chain.
        seqs = [int(x) for x in psql(self.pg.url, "SELECT seq FROM audit ORDER BY seq").split()]
        self.assertEqual(seqs, list(range(1, len(seqs) + 1)))
        self.assertGreaterEqual(len(seqs), audit_before + len(files) + self.RESPONSES)


if __name__ == "__main__":
    unittest.main()
