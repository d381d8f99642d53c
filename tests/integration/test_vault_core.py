"""End-to-end checks of the vault core (issue 2): init, unlocking, audit log, key rotation."""
import base64
import json
import os
import subprocess
import unittest

from jvtest import (PASSPHRASE, VaultTestCase, rfc6962_leaf, rfc6962_root,
                    rfc6962_verify_inclusion)


class InitTest(VaultTestCase):
    def test_init_std_prints_identity_and_keys(self):
        doc = self.init("std")
        self.assertTrue(doc["vault_id"].startswith("v_"))
        self.assertEqual(doc["crypto"], "std")
        self.assertIn("BEGIN PUBLIC KEY", doc["signing_public_key_pem"])
        self.assertTrue(os.path.exists(os.path.join(self.vault, "vault.toml")))

    def test_init_gm(self):
        doc = self.init("gm")
        self.assertEqual(doc["crypto"], "gm")
        self.assertIn("BEGIN PUBLIC KEY", doc["signing_public_key_pem"])
        r = self.jv_ok("audit", "verify", "--json")
        self.assertTrue(r.json()["ok"])

    def test_init_refuses_existing_vault(self):
        self.init()
        before = self.vault_digest()
        r = self.jv("init", "--company", "另一家珠宝有限公司", "--json")
        self.assertNotEqual(r.code, 0)
        self.assertIn("already exists", r.stderr.decode())
        self.assertEqual(self.vault_digest(), before)

    def test_bad_crypto_is_usage_or_input_error(self):
        r = self.jv("init", "--company", "某某珠宝有限公司", "--crypto", "rot13", "--json")
        self.assertEqual(r.code, 4)


class FakeClockTest(VaultTestCase):
    def test_fake_now_is_announced_on_stderr(self):
        """JADEVAULT_FAKE_NOW (a test hook) moves audit times and legal deadlines: a process
        that uses it says so, and a malformed value is ignored with a warning."""
        self.init()
        env = dict(self.env)
        env.pop("JADEVAULT_FAKE_NOW", None)
        r = self.jv("audit", "verify", "--json", env=env)
        self.assertEqual(r.code, 0)
        self.assertNotIn(b"JADEVAULT_FAKE_NOW", r.stderr)
        env["JADEVAULT_FAKE_NOW"] = "2030-01-02T03:04:05Z"
        r = self.jv("audit", "verify", "--json", env=env)
        self.assertEqual(r.code, 0)
        self.assertIn("JADEVAULT_FAKE_NOW is set: the clock reads 2030-01-02T03:04:05Z, not the "
                      "system time", r.stderr.decode())
        self.assertTrue(r.json()["ok"])  # stdout stays the JSON document
        env["JADEVAULT_FAKE_NOW"] = "next tuesday"
        r = self.jv("audit", "verify", "--json", env=env)
        self.assertEqual(r.code, 0)
        self.assertIn("JADEVAULT_FAKE_NOW is set but is not YYYY-MM-DDTHH:MM:SSZ; ignored",
                      r.stderr.decode())


class UnlockTest(VaultTestCase):
    def test_wrong_passphrase_exits_3_and_changes_nothing(self):
        self.init()
        self.jv_ok("demo", "--subjects", "3", "--json")
        before = self.vault_digest()
        for args in (["audit", "verify", "--json"], ["audit", "checkpoint", "--json"],
                     ["audit", "export", "--out", os.path.join(self.tmp, "x.jsonl")],
                     ["audit", "prove", "--seq", "1", "--json"], ["keys", "rotate", "--json"],
                     ["keys", "check", "--json"]):
            r = self.jv(*args, passphrase="not the passphrase")
            self.assertEqual(r.code, 3, f"{args}: {r.stderr}")
            self.assertIn("passphrase", r.stderr.decode())
        self.assertEqual(self.vault_digest(), before)

    def test_passphrase_file(self):
        self.init()
        pf = os.path.join(self.tmp, "pass.txt")
        with open(pf, "w") as f:
            f.write(PASSPHRASE + "\n")
        r = self.jv("--passphrase-file", pf, "audit", "verify", "--json", passphrase=None)
        self.assertEqual(r.code, 0, r.stderr)

    def test_no_passphrase_and_no_terminal_is_locked(self):
        self.init()
        r = self.jv("audit", "verify", "--json", passphrase=None)
        self.assertEqual(r.code, 3)

    def test_missing_vault_is_bad_input(self):
        r = self.jv("audit", "verify", "--json")
        self.assertEqual(r.code, 4)
        self.assertIn("no vault", r.stderr.decode())


class AuditTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.jv_ok("demo", "--subjects", "5", "--json")

    def test_verify(self):
        doc = self.jv_ok("audit", "verify", "--json").json()
        self.assertTrue(doc["ok"])
        self.assertGreaterEqual(doc["entries"], 2)
        self.assertEqual(doc["tree_size"], doc["entries"])
        self.assertEqual(len(doc["root_hash"]), 64)

    def test_checkpoint_verifies_with_openssl(self):
        doc = self.jv_ok("audit", "checkpoint", "--json").json()
        for key in ("tree_size", "root_hash", "message_b64", "signature_b64", "public_key_pem",
                    "algorithm"):
            self.assertIn(key, doc)
        msg = os.path.join(self.tmp, "msg.bin")
        sig = os.path.join(self.tmp, "sig.bin")
        pub = os.path.join(self.tmp, "pub.pem")
        with open(msg, "wb") as f:
            f.write(base64.b64decode(doc["message_b64"]))
        with open(sig, "wb") as f:
            f.write(base64.b64decode(doc["signature_b64"]))
        with open(pub, "w") as f:
            f.write(doc["public_key_pem"])
        ok = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
                             "-in", msg, "-sigfile", sig], capture_output=True)
        self.assertEqual(ok.returncode, 0, ok.stdout + ok.stderr)
        raw = bytearray(base64.b64decode(doc["signature_b64"]))
        raw[5] ^= 1
        with open(sig, "wb") as f:
            f.write(bytes(raw))
        bad = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin",
                              "-in", msg, "-sigfile", sig], capture_output=True)
        self.assertNotEqual(bad.returncode, 0)

    def test_prove_inclusion_of_every_entry(self):
        cp = self.jv_ok("audit", "checkpoint", "--json").json()
        export = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", export)
        with open(export, "rb") as f:
            lines = f.read().split(b"\n")
        self.assertEqual(lines[-1], b"")
        lines = lines[:-1]
        # The checkpoint covers the entries present when it was made.
        size = cp["tree_size"]
        root = bytes.fromhex(cp["root_hash"])
        self.assertEqual(rfc6962_root(lines[:size]), root)
        for seq in range(1, size + 1):
            p = self.jv_ok("audit", "prove", "--seq", str(seq), "--tree-size", str(size),
                           "--json").json()
            self.assertEqual(p["leaf_index"], seq - 1)
            self.assertEqual(p["tree_size"], size)
            self.assertEqual(p["root_hash"], cp["root_hash"])
            path = [bytes.fromhex(h) for h in p["path"]]
            self.assertTrue(rfc6962_verify_inclusion(seq - 1, size, rfc6962_leaf(lines[seq - 1]),
                                                     path, root), f"seq {seq}")

    def test_export_then_verify_file_and_tamper_every_field(self):
        export = os.path.join(self.tmp, "audit.jsonl")
        self.jv_ok("audit", "export", "--out", export)
        ok = self.jv_ok("audit", "verify", "--file", export, "--json").json()
        self.assertTrue(ok["ok"])
        with open(export, "rb") as f:
            lines = f.read().decode().split("\n")[:-1]
        for required in ("seq", "time", "actor", "action", "subject", "purpose", "prev", "hash"):
            self.assertIn(required, json.loads(lines[0]))
        for index in (0, len(lines) // 2, len(lines) - 1):
            entry = json.loads(lines[index])
            for field in entry:
                tampered = list(lines)
                value = entry[field]
                if isinstance(value, int):
                    new_value = value + 7
                elif isinstance(value, str):
                    new_value = value[:-1] + ("0" if not value.endswith("0") else "1") if value else "x"
                else:
                    new_value = {"tampered": 1}
                changed = dict(entry)
                changed[field] = new_value
                tampered[index] = json.dumps(changed, ensure_ascii=False, separators=(",", ":"))
                path = os.path.join(self.tmp, "tampered.jsonl")
                with open(path, "w") as f:
                    f.write("\n".join(tampered) + "\n")
                r = self.jv("audit", "verify", "--file", path, "--json")
                self.assertEqual(r.code, 1, f"line {index + 1} field {field}")
                doc = r.json()
                self.assertFalse(doc["ok"])
                self.assertEqual(doc["first_bad_seq"], index + 1, f"field {field}")


class KeysTest(VaultTestCase):
    def test_rotate_rewraps_every_data_key_and_data_still_decrypts(self):
        self.init()
        demo = self.jv_ok("demo", "--subjects", "4", "--json").json()
        before = self.jv_ok("keys", "check", "--json").json()
        self.assertEqual(before["failed"], 0)
        self.assertGreaterEqual(before["data_keys"], 4)
        r = self.jv_ok("keys", "rotate", "--json").json()
        self.assertEqual(r["rewrapped"], before["data_keys"])
        after = self.jv_ok("keys", "check", "--json").json()
        self.assertEqual(after["failed"], 0)
        self.assertEqual(after["records"], before["records"])
        self.assertTrue(self.jv_ok("audit", "verify", "--json").json()["ok"])
        self.assertEqual(self.jv("audit", "verify", "--json", passphrase="wrong").code, 3)

    def test_passphrase_never_stored_in_clear(self):
        self.init()
        self.jv_ok("demo", "--subjects", "2", "--json")
        blob = self.vault_bytes()
        self.assertNotIn(PASSPHRASE.encode(), blob)
        self.assertNotIn(PASSPHRASE.encode("utf-16-le"), blob)


if __name__ == "__main__":
    unittest.main()
