"""End to end: transfer package build -> age -d -> openssl verify -> Merkle root -> import into a
second vault -> ack -> shred --transferred -> deletion certificate (SPEC §6 items 6-8).

All customers are synthetic. Needs the `age`, `age-keygen` and `openssl` tools.
"""
import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import unittest

import browser
from jvtest import JADEVAULT, VaultTestCase, rfc6962_root


def id_number(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[s % 11]


# name, mobile, ID number (valid check digits; made-up people).
CUSTOMERS = [
    ("赵一", "13800000001", id_number("11010519850312001")),
    ("钱二", "13800000002", id_number("11010519900101002")),
    ("孙三", "13800000003", id_number("31010419780505003")),
    ("李四", "13800000004", id_number("44030519920909004")),
]


def have_tools():
    return all(shutil.which(t) for t in ("age", "age-keygen", "openssl"))


def has_command(*words):
    proc = subprocess.run([JADEVAULT] + list(words) + ["--help"], capture_output=True)
    return proc.returncode == 0


@unittest.skipUnless(have_tools(), "needs the age, age-keygen and openssl tools")
class TransferPackageTest(browser.RenderAssertions, VaultTestCase):
    def setUp(self):
        super().setUp()
        for cmd in (("transfer", "setup"), ("recipients", "add"), ("allocate",),
                    ("notices", "send"), ("responses", "record"), ("package", "build")):
            if not has_command(*cmd):
                self.skipTest("jadevault has no `%s` command yet (the C++ test "
                              "package_test.cc covers the same flow)" % " ".join(cmd))
        self.to_vault = os.path.join(self.tmp, "to_vault")

    def path(self, name):
        return os.path.join(self.tmp, name)


    def later(self, days):
        env = dict(self.env)
        t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=days)
        env["JADEVAULT_FAKE_NOW"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
        return env

    def find(self, mobile, vault=None):
        r = self.jv_ok("subjects", "find", "--mobile", mobile, "--json", vault=vault)
        return r.json()["subjects"]

    def openssl_verify(self, pub, msg, sig):
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
                               "-in", msg, "-sigfile", sig], capture_output=True).returncode

    def test_package_end_to_end(self):
        init = self.init()
        pub = self.write("transferor.pem", init["signing_public_key_pem"])
        subprocess.run(["age-keygen", "-o", self.path("key.txt")], check=True, capture_output=True)
        age_pub = subprocess.run(["age-keygen", "-y", self.path("key.txt")], check=True,
                                 capture_output=True).stdout.decode().strip()

        csv = "姓名,手机,身份证号,门店\n" + "".join(
            "%s,%s,%s,北京店\n" % c for c in CUSTOMERS)
        self.jv_ok("import", self.write("customers.csv", csv), "--json")
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        rec = self.jv_ok("recipients", "add", "--name", "受让方珠宝有限公司",
                         "--uscc", "91110000600037341L", "--contact-name", "王经理",
                         "--contact-phone", "01012345678", "--address", "北京市东城区某路1号",
                         "--region", "CN", "--age-recipient", age_pub,
                         "--scope", "name,mobile,id_number", "--json").json()
        rid = rec["id"]
        self.jv_ok("allocate", "--recipient", rid, "--all", "--json")

        # The gate blocks before any notice: exit 5 naming the rules.
        r = self.jv("package", "build", "--recipient", rid, "--out", self.path("early.age"), "--json")
        self.assertEqual(r.code, 5, r.stderr)
        self.assertIn("PIPL-22-NOTICE", r.json()["failing_rules"])
        self.assertFalse(os.path.exists(self.path("early.age")))

        self.jv_ok("notices", "plan", "--json")
        self.jv_ok("notices", "send", "--channel", "file", "--out", self.path("outbox"), "--json")
        objector = self.find(CUSTOMERS[1][1])[0]["id"]
        self.jv_ok("responses", "record", "--subject", objector, "--type", "object", "--via",
                   "phone", "--json")

        # The impact assessment (PIPL 55) must exist before the package is built.
        with open(self.path("pipia.json"), "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        self.jv_ok("assess", "--answers", self.path("pipia.json"), "--json")
        env = self.later(40)
        built = self.jv_ok("package", "build", "--recipient", rid, "--out", self.path("p.age"),
                           "--json", env=env).json()
        self.assertEqual(built["subjects"], 3)

        # The standard age tool opens it; the tar holds the three members.
        plain = subprocess.run(["age", "-d", "-i", self.path("key.txt"), self.path("p.age")],
                               check=True, capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(plain)) as tf:
            members = {m.name: tf.extractfile(m).read() for m in tf.getmembers()}
        self.assertEqual(sorted(members), ["data.jsonl", "manifest.json", "manifest.sig"])
        for name, data in members.items():
            self.write(name, data)
        self.assertEqual(self.openssl_verify(pub, self.path("manifest.json"),
                                             self.path("manifest.sig")), 0)
        lines = members["data.jsonl"].split(b"\n")
        self.assertEqual(lines[-1], b"")
        lines = lines[:-1]
        self.assertEqual(len(lines), 3)  # allocated minus the objector
        subjects = [json.loads(l)["subject"] for l in lines]
        self.assertNotIn(objector, subjects)
        for l in lines:
            self.assertNotIn("store", json.loads(l)["fields"])  # outside the scope
        manifest = json.loads(members["manifest.json"])
        self.assertEqual(manifest["merkle_root"], rfc6962_root(lines).hex())
        self.assertEqual(manifest["subjects"], 3)

        # Tampered packages are refused by import (re-encrypted to the same key).
        subprocess.run([JADEVAULT, "--vault", self.to_vault, "init", "--company",
                        "受让方珠宝有限公司", "--case", "transfer", "--crypto", "std",
                        "--scrypt-log-n", "14", "--json"], env=self.env, check=True,
                       capture_output=True)
        for victim in ("data.jsonl", "manifest.json", "manifest.sig"):
            bad = dict(members)
            b = bytearray(bad[victim])
            b[len(b) // 2] ^= 1
            bad[victim] = bytes(b)
            buf = io.BytesIO()
            with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
                for name in ("data.jsonl", "manifest.json", "manifest.sig"):
                    info = tarfile.TarInfo(name)
                    info.size = len(bad[name])
                    tf.addfile(info, io.BytesIO(bad[name]))
            enc = subprocess.run(["age", "-r", age_pub], input=buf.getvalue(), check=True,
                                 capture_output=True).stdout
            r = self.jv("package", "import", self.write("bad.age", enc), "--identity",
                        self.path("key.txt"), "--signer", pub, "--json", vault=self.to_vault)
            self.assertEqual(r.code, 4, "%s: %s" % (victim, r.stderr))
        self.assertEqual(self.find(CUSTOMERS[0][1], vault=self.to_vault), [])

        # The real one imports, with a signed receipt.
        imp = self.jv_ok("package", "import", self.path("p.age"), "--identity",
                         self.path("key.txt"), "--signer", pub, "--receipt-out",
                         self.path("receipt.json"), "--json", vault=self.to_vault).json()
        self.assertEqual(imp["subjects_imported"], 3)
        self.assertEqual(len(self.find(CUSTOMERS[0][1], vault=self.to_vault)), 1)

        ack = self.jv_ok("package", "ack", self.path("receipt.json"), "--json", env=env).json()
        self.assertEqual(ack["subjects_transferred"], 3)
        keys_before = self.store_sql(
            f"SELECT subject_id, {self.hex_sql('wrapped')} FROM data_keys")
        raw_before = self.vault_bytes()
        for line in keys_before:  # the search below can find them: they are there now
            self.assertIn(bytes.fromhex(line.split("|")[1]), raw_before)
        shred = self.jv_ok("shred", "--transferred", "--json", env=env).json()
        self.assertEqual(shred["shredded"], 3)
        self.assertEqual(shred["restricted"], 0)
        # No wrapped data key of a shredded customer remains anywhere in the vault's files
        # (SQLite: database, WAL, shared memory, not even as freed pages; PostgreSQL: the
        # pg_dump and the database's table files after VACUUM FULL).
        shredded = set(self.store_sql("SELECT id FROM subjects WHERE state = 'shredded'"))
        self.assertEqual(len(shredded), 3)
        gone = [bytes.fromhex(line.split("|")[1]) for line in keys_before
                if line.split("|")[0] in shredded]
        self.assertGreaterEqual(len(gone), 3)
        self.assertEqual(self.where_stored(gone), [],
                         "a shredded customer's wrapped data key is still stored there")
        self.assertEqual(self.find(CUSTOMERS[0][1]), [])
        r = self.jv_ok("subjects", "find", "--id-number", CUSTOMERS[0][2], "--json")
        self.assertEqual(r.json()["subjects"], [])
        self.assertEqual(len(self.find(CUSTOMERS[1][1])), 1)  # the objector stays
        self.jv_ok("audit", "verify", "--json")

        cert = self.jv_ok("certificate", "deletion", "--out", self.path("cert.json"), "--json",
                          env=env).json()
        self.assertEqual(cert["shredded"], 3)
        self.assertEqual(self.openssl_verify(pub, self.path("cert.json"),
                                             self.path("cert.json.sig")), 0)
        self.assertTrue(os.path.exists(self.path("cert.html")))
        with open(self.path("cert.json"), "rb") as f:
            doc = json.loads(f.read())
        self.assertEqual(len(doc["shred_entries"]), 3)
        self.assertEqual(doc["transfers"][0]["subjects"], 3)
        # The certificate renders in headless Chromium (issue 8); test_report_render.py skips
        # (or fails under JV_REQUIRE_BROWSER=1) when there is no browser, so this step does too.
        if browser.find_chromium() or os.environ.get("JV_REQUIRE_BROWSER") == "1":
            self.assert_rendered(self.path("cert.html"), "个人信息删除证明",
                                 [3, doc["checkpoint"]["tree_size"],
                                  doc["checkpoint"]["root_hash"]],
                                 [c[1] for c in CUSTOMERS] + [c[2] for c in CUSTOMERS])


if __name__ == "__main__":
    unittest.main()
