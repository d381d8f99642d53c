"""End to end: `keys split --shares 3 --threshold 2`; any two shares unlock the vault, one
does not (SPEC §4 keys, issue 7 part 5). All data synthetic.
"""
import itertools
import os

from jvtest import VaultTestCase


class CustodyTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        path = os.path.join(self.tmp, "customers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("姓名,手机\n测试甲,13900000201\n测试乙,13900000202\n")
        self.jv_ok("import", path, "--json")
        self.out = os.path.join(self.tmp, "shares")
        self.split = self.jv_ok("keys", "split", "--shares", "3", "--threshold", "2", "--out",
                                self.out, "--json").json()
        self.files = self.split["files"]

    def with_shares(self, *args, shares):
        flags = [x for f in shares for x in ("--share", f)]
        # No passphrase in the environment: the shares alone must unlock.
        return self.jv(*flags, *args, passphrase=None)

    def test_split_writes_three_printable_files(self):
        self.assertEqual((self.split["shares"], self.split["threshold"]), (3, 2))
        self.assertEqual(len(self.files), 3)
        for i, f in enumerate(self.files, 1):
            self.assertEqual(oct(os.stat(f).st_mode & 0o777), "0o600")
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            self.assertIn("主密钥保管分片", text)
            self.assertIn("custodian share", text)
            self.assertIn(f"{i} of 3", text)
            self.assertIn(self.split["share_set"], text)

    def test_any_two_shares_unlock_and_one_does_not(self):
        for pair in itertools.combinations(self.files, 2):
            r = self.with_shares("subjects", "find", "--mobile", "13900000201", "--json",
                                 shares=pair)
            self.assertEqual(r.code, 0, f"{pair}: {r.stderr}")
            self.assertEqual(len(r.json()["subjects"]), 1)
            r = self.with_shares("audit", "verify", "--json", shares=pair)
            self.assertEqual(r.code, 0, r.stderr)
            self.assertTrue(r.json()["ok"])
        for f in self.files:
            r = self.with_shares("subjects", "find", "--mobile", "13900000201", "--json",
                                 shares=[f])
            self.assertEqual(r.code, 3, r.stderr)
            self.assertIn(b"needs 2", r.stderr)

    def test_mistyped_and_mixed_shares_are_refused(self):
        with open(self.files[1], encoding="utf-8") as f:
            text = f.read()
        i = text.index("  02: ") + 6
        typo = text[:i] + ("1" if text[i] == "0" else "0") + text[i + 1:]
        bad = os.path.join(self.tmp, "typo.txt")
        with open(bad, "w", encoding="utf-8") as f:
            f.write(typo)
        r = self.with_shares("audit", "verify", "--json", shares=[self.files[0], bad])
        self.assertEqual(r.code, 4, r.stderr)
        self.assertIn(b"line 2", r.stderr)
        # A second split replaces the first: old shares no longer unlock; mixing sets fails.
        again = self.jv_ok("keys", "split", "--shares", "3", "--threshold", "2", "--out",
                           os.path.join(self.tmp, "shares2"), "--json").json()
        self.assertEqual(again["slots_replaced"], 1)
        r = self.with_shares("audit", "verify", "--json", shares=self.files[:2])
        self.assertEqual(r.code, 3, r.stderr)
        r = self.with_shares("audit", "verify", "--json",
                             shares=[self.files[0], again["files"][1]])
        self.assertEqual(r.code, 3, r.stderr)
        self.assertIn(b"different share sets", r.stderr)

    def test_rotate_with_shares_keeps_them_with_passphrase_drops_them(self):
        r = self.with_shares("keys", "rotate", "--json", shares=self.files[1:])
        self.assertEqual(r.code, 0, r.stderr)
        self.assertTrue(r.json()["shares_kept"])
        self.assertEqual(r.json()["removed_kinds"], ["passphrase"])
        self.assertEqual(self.with_shares("audit", "verify", "--json",
                                          shares=self.files[:2]).code, 0)
        self.assertEqual(self.jv("audit", "verify", "--json").code, 3)
