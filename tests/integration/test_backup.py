"""End to end: backup, shred ten customers, the old backup cannot come back; a new backup
restores completely after the original vault is gone (SPEC §4 crypto-shredding, issue 7).

All customers are synthetic (13900000xxx mobiles, made-up names).
"""
import os
import shutil

from jvtest import VaultTestCase

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫"


class BackupTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        rows = ["姓名,手机,门店"]
        self.mobiles = []
        for i in range(12):
            mobile = f"139000001{i:02d}"
            self.mobiles.append(mobile)
            rows.append(f"{SURNAMES[i]}测试,{mobile},朝阳店")
        path = os.path.join(self.tmp, "customers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        rep = self.jv_ok("import", path, "--json").json()
        self.assertEqual(rep["subjects_created"], 12)
        self.backups = os.path.join(self.tmp, "backups")
        os.makedirs(self.backups)

    def find(self, mobile, vault=None):
        return self.jv_ok("subjects", "find", "--mobile", mobile, "--json",
                          vault=vault).json()["subjects"]

    def shred(self, mobile):
        sid = self.find(mobile)[0]["id"]
        r = self.jv("responses", "record", "--subject", sid, "--type", "delete", "--via",
                    "letter", "--json")
        self.assertEqual(r.code, 0, r.stderr.decode(errors="replace"))
        doc = r.json()
        self.assertEqual(doc["state"], "shredded")
        self.assertTrue(doc["backup_needed"])
        self.assertIn("A new backup is needed".encode(), r.stderr)
        self.assertIn("需要新的备份".encode(), r.stderr)
        return sid, doc

    def backup(self, name):
        out = os.path.join(self.backups, name)
        doc = self.jv_ok("backup", "--out", out, "--json").json()
        self.assertTrue(doc["verified"])
        self.assertEqual(doc["keyring"], os.path.join(self.backups, "jadevault-backup-keys"))
        self.assertEqual(oct(os.stat(out).st_mode & 0o777), "0o600")
        return out, doc

    def test_old_backup_is_refused_new_backup_restores_without_the_vault(self):
        b1, d1 = self.backup("b1.jvbak")
        self.assertEqual(d1["epoch"], 1)
        self.assertEqual(d1["rows"]["subjects"], 12)

        shredded = []
        for m in self.mobiles[:10]:
            sid, doc = self.shred(m)
            shredded.append(sid)
        self.assertEqual(doc["backup_epoch"], 11)  # ten shreds ended epochs 1..10
        self.assertTrue(doc["backup_keyring_updated"])

        # The backup taken before the shred is refused, naming its epoch and the shred.
        r1 = self.jv("restore", b1, "--json", vault=os.path.join(self.tmp, "from-b1"))
        self.assertEqual(r1.code, 5, r1.stderr)
        err = r1.stderr.decode()
        self.assertIn("backup epoch 1", err)
        self.assertIn("ended at", err)
        self.assertIn("deletion request rs_", err)
        self.assertIn("Restore a backup taken after that", err)
        self.assertFalse(r1.json()["ok"])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "from-b1", "vault.toml")))

        # The epoch ends are audited.
        self.jv_ok("audit", "export", "--out", os.path.join(self.tmp, "a.jsonl"), "--json")
        with open(os.path.join(self.tmp, "a.jsonl"), encoding="utf-8") as f:
            actions = [line for line in f if '"backup.epoch.end"' in line]
        self.assertEqual(len(actions), 10)

        b2, d2 = self.backup("b2.jvbak")
        self.assertEqual(d2["epoch"], 11)
        before = self.jv_ok("keys", "check", "--json").json()

        # The disk dies: only the backups directory survives.
        shutil.rmtree(self.vault)
        target = os.path.join(self.tmp, "restored")
        r2 = self.jv_ok("restore", b2, "--json", vault=target).json()
        self.assertTrue(r2["audit_ok"])
        self.assertEqual(r2["subjects"], {"active": 2, "shredded": 10})
        self.assertEqual(r2["rows"]["subjects"], d2["rows"]["subjects"])
        self.assertEqual(r2["rows"]["records"], d2["rows"]["records"])
        verify = self.jv_ok("audit", "verify", "--json", vault=target).json()
        self.assertTrue(verify["ok"])
        after = self.jv_ok("keys", "check", "--json", vault=target).json()
        self.assertEqual((after["subjects"], after["data_keys"], after["records"]),
                         (before["subjects"], before["data_keys"], before["records"]))
        self.assertEqual(after["failed"], 0)
        # Shredded customers cannot be found; the others can, with their data.
        for m in self.mobiles[:10]:
            self.assertEqual(self.find(m, vault=target), [])
        kept = self.find(self.mobiles[10], vault=target)
        self.assertEqual(len(kept), 1)
        shown = self.jv_ok("subjects", "show", shredded[0], "--json", vault=target).json()
        self.assertNotIn(SURNAMES[0].encode(), str(shown).encode())
        # The restored vault keeps working and audits the restore.
        self.jv_ok("audit", "export", "--out", os.path.join(self.tmp, "r.jsonl"), "--json",
                   vault=target)
        with open(os.path.join(self.tmp, "r.jsonl"), encoding="utf-8") as f:
            self.assertEqual(sum('"vault.restore"' in line for line in f), 1)

    def test_tampered_or_truncated_backup_is_refused(self):
        b, _ = self.backup("b.jvbak")
        with open(b, "rb") as f:
            data = f.read()
        cases = {
            "flip": data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 1]) +
                    data[len(data) // 2 + 1:],
            "truncate": data[:-10],
            "append": data + b"\x00",
        }
        for name, blob in cases.items():
            path = os.path.join(self.backups, name + ".jvbak")
            with open(path, "wb") as f:
                f.write(blob)
            target = os.path.join(self.tmp, "t-" + name)
            r = self.jv("restore", path, "--backup-keys",
                        os.path.join(self.backups, "jadevault-backup-keys"), "--json",
                        vault=target)
            self.assertEqual(r.code, 4, f"{name}: {r.stderr}")
            self.assertFalse(os.path.exists(os.path.join(target, "vault.toml")), name)
            self.assertFalse(os.path.exists(os.path.join(target, "vault.db")), name)
        # An altered header (the epoch number) is refused too.
        i = data.index(b'"epoch":1')
        path = os.path.join(self.backups, "hdr.jvbak")
        with open(path, "wb") as f:
            f.write(data[:i] + b'"epoch":2' + data[i + 9:])
        r = self.jv("restore", path, "--json", vault=os.path.join(self.tmp, "t-hdr"))
        self.assertIn(r.code, (4, 5), r.stderr)
        # The untouched file still restores; a wrong passphrase does not.
        bad = self.jv("restore", b, "--json", vault=os.path.join(self.tmp, "t-pw"),
                      passphrase="not the passphrase")
        self.assertEqual(bad.code, 3)
        self.jv_ok("restore", b, "--json", vault=os.path.join(self.tmp, "t-ok"))

    def test_backup_contains_no_plaintext(self):
        b, _ = self.backup("b.jvbak")
        with open(b, "rb") as f:
            blob = f.read()
        with open(os.path.join(self.backups, "jadevault-backup-keys"), "rb") as f:
            blob += f.read()
        for m in self.mobiles:
            self.assertNotIn(m.encode(), blob)
        self.assertNotIn("测试".encode(), blob)
