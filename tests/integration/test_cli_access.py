"""End to end: who runs a CLI command (issue 6 item 2; docs/design/cli_access.md).

`--as USER` signs a staff user in (password file, TOTP from `oathtool`), and the command
table (`access table --json`) decides with the policy table (`policy table --json`), as the
server does. Without `--as` the key custodian acts (actor "custodian"); the vault setting
access.cli_requires_user makes `--as` mandatory. Synthetic customers from import_fixtures.
Exit codes: 5 refused by policy; 3 bad credentials or a locked-out user.
"""
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

import import_fixtures as fx
import jvtest

J = jvtest.JADEVAULT
PASSWORD = "synthetic password for tests 测试"
MOBILE = "13800138000"  # a synthetic customer of import_fixtures
NAMES = ["张三", "周八"]  # the synthetic names of the two customers with that mobile
STAFF = {"admin": "admin1", "dpo": "dpo1", "operator": "operator1", "liquidator": "liquidator1",
         "auditor": "auditor1", "recipient": "recipient1"}


def oathtool(secret):
    return subprocess.run(["oathtool", "--totp", "-b", secret], check=True, capture_output=True,
                          text=True).stdout.strip()


class CliAccessTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jv-it-cli-access-")
        cls.vault = os.path.join(cls.tmp, "vault")
        cls.env = dict(os.environ, JADEVAULT_PASSPHRASE=jvtest.PASSPHRASE)
        cls.env.pop("JADEVAULT_FAKE_NOW", None)  # TOTP against the real clock, like oathtool
        cls.env.pop("JADEVAULT_USER", None)
        cls.run_ok("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14", "--json")
        cls.csv = os.path.join(cls.tmp, "customers.csv")
        with open(cls.csv, "wb") as f:
            f.write(fx.csv_utf8_bom_crlf())
        cls.run_ok("import", cls.csv, "--import-date", fx.IMPORT_DATE, "--json")
        cls.run_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        cls.pw = os.path.join(cls.tmp, "pw")
        with open(cls.pw, "w") as f:
            f.write(PASSWORD + "\n")
        cls.bad_pw = os.path.join(cls.tmp, "bad_pw")
        with open(cls.bad_pw, "w") as f:
            f.write("not the password of anyone\n")
        cls.users = {}
        for role, name in list(STAFF.items()) + [("dpo", "dpo2"), ("operator", "locked1")]:
            extra = ["--totp"] if name == "dpo2" else []
            cls.users[name] = cls.run_ok("users", "add", name, "--role", role, "--password-file",
                                         cls.pw, "--scrypt-log-n", "10", "--json", *extra)
        cls.sid = cls.run_ok("subjects", "find", "--mobile", MOBILE,
                             "--json")["subjects"][0]["id"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def jvrun(cls, *args, vault=None):
        p = subprocess.run([J, "--vault", vault or cls.vault] + list(args), env=cls.env,
                           capture_output=True, timeout=600)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    @classmethod
    def run_ok(cls, *args, vault=None):
        code, out, err = cls.jvrun(*args, vault=vault)
        if code != 0:
            raise AssertionError(f"{args[:3]} exited {code}: {err}")
        return json.loads(out)

    def as_user(self, name, *args, password=None, vault=None):
        return self.jvrun("--as", name, "--user-password-file", password or self.pw, *args,
                        vault=vault)

    def audit(self, vault=None):
        db = sqlite3.connect(os.path.join(vault or self.vault, "vault.db"))
        try:
            return [json.loads(r[0]) for r in db.execute("SELECT line FROM audit ORDER BY seq")]
        finally:
            db.close()

    # --- refusals and masking ------------------------------------------------------------
    def test_operator_cannot_import(self):
        before = len(self.audit())
        code, out, err = self.as_user("operator1", "import", self.csv, "--json")
        self.assertEqual(code, 5, err)
        self.assertIn("operator", err)
        self.assertIn("import", err)
        new = self.audit()[before:]
        self.assertNotIn("import", [e["action"] for e in new])
        refused = [e for e in new if e["action"] == "access.refused"]
        self.assertEqual(len(refused), 1)
        self.assertEqual(refused[0]["actor"], "user:operator1")
        self.assertEqual(refused[0]["details"]["action"], "import")

    def test_operator_finds_masked(self):
        before = len(self.audit())
        code, out, err = self.as_user("operator1", "subjects", "find", "--mobile", MOBILE,
                                      "--json")
        self.assertEqual(code, 0, err)
        doc = json.loads(out)
        self.assertIn(self.sid, [s["id"] for s in doc["subjects"]])
        for s in doc["subjects"]:
            self.assertEqual(s["masked"]["mobile"], "138****8000")
        self.assertNotIn(MOBILE, out)
        for name in NAMES:
            self.assertNotIn(name, out)
        new = self.audit()[before:]
        self.assertTrue(new)
        self.assertEqual({e["actor"] for e in new}, {"user:operator1"})
        self.assertIn("subject.read", [e["action"] for e in new])
        # A purpose the operator's rule does not allow is refused.
        code, _, err = self.as_user("operator1", "subjects", "find", "--mobile", MOBILE,
                                    "--purpose", "transfer", "--json")
        self.assertEqual(code, 5, err)
        self.assertIn("transfer", err)

    def test_operator_cannot_reveal(self):
        before = len(self.audit())
        code, out, err = self.as_user("operator1", "subjects", "show", self.sid, "--reveal",
                                      "mobile", "--purpose", "customer_service", "--reason",
                                      "客户来电核对 (测试)", "--json")
        self.assertEqual(code, 5, err)
        self.assertIn("operator", err)
        self.assertIn("subject.reveal", err)
        self.assertNotIn(MOBILE, out + err)
        self.assertNotIn("subject.reveal", [e["action"] for e in self.audit()[before:]])

    def test_dpo_reveals_with_a_reason_and_it_is_audited(self):
        base = ["subjects", "show", self.sid, "--reveal", "mobile", "--purpose",
                "rights_request"]
        code, out, err = self.as_user("dpo1", *base, "--json")
        self.assertEqual(code, 5, err)
        self.assertIn("reason", err)
        self.assertNotIn(MOBILE, out)
        code, out, err = self.as_user("dpo1", "subjects", "show", self.sid, "--reveal", "mobile",
                                      "--reason", "客户书面申请查阅 (测试)", "--json")
        self.assertEqual(code, 5, err)  # a reveal states its purpose
        self.assertIn("purpose", err)
        before = len(self.audit())
        code, out, err = self.as_user("dpo1", *base, "--reason", "客户书面申请查阅 (测试)",
                                      "--json")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["revealed"]["mobile"], MOBILE)
        new = self.audit()[before:]
        self.assertEqual({e["actor"] for e in new}, {"user:dpo1"})
        reveals = [e for e in new if e["action"] == "subject.reveal"]
        self.assertEqual(len(reveals), 1)
        self.assertEqual(reveals[0]["subject"], self.sid)
        self.assertEqual(reveals[0]["purpose"], "rights_request")
        self.assertEqual(reveals[0]["details"]["field"], "mobile")
        for e in new:
            self.assertNotIn(MOBILE, json.dumps(e, ensure_ascii=False))
        # The auditor's export shows the same entry.
        out_file = os.path.join(self.tmp, "audit.jsonl")
        code, _, err = self.as_user("auditor1", "audit", "export", "--out", out_file, "--json")
        self.assertEqual(code, 0, err)
        with open(out_file, encoding="utf-8") as f:
            exported = [json.loads(l) for l in f if l.strip()]
        self.assertIn(reveals[0]["hash"], [e["hash"] for e in exported])
        self.assertEqual(exported[-1]["action"], "audit.export")
        self.assertEqual(exported[-1]["actor"], "user:auditor1")

    def test_custodian_without_as_is_recorded_as_custodian(self):
        before = len(self.audit())
        doc = self.run_ok("subjects", "show", self.sid, "--json")
        self.assertEqual(doc["id"], self.sid)
        new = self.audit()[before:]
        self.assertTrue(new)
        self.assertEqual({e["actor"] for e in new}, {"custodian"})

    # --- credentials ---------------------------------------------------------------------
    def test_wrong_password_exits_3_and_is_audited(self):
        before = len(self.audit())
        code, out, err = self.as_user("auditor1", "audit", "verify", "--json",
                                      password=self.bad_pw)
        self.assertEqual(code, 3, err)
        new = self.audit()[before:]
        self.assertEqual([e["action"] for e in new], ["session.login_failed"])
        self.assertEqual(new[0]["actor"], "custodian")
        self.assertEqual(new[0]["details"]["user"], "auditor1")
        self.assertEqual(new[0]["details"]["via"], "cli")
        # An unknown name: the same exit, the name not recorded.
        code, _, _ = self.as_user("nobody1", "audit", "verify", "--json")
        self.assertEqual(code, 3)
        self.assertEqual(self.audit()[-1]["details"]["user"], "")
        # The user still signs in with the right password (one failure does not lock).
        code, _, err = self.as_user("auditor1", "audit", "verify", "--json")
        self.assertEqual(code, 0, err)

    def test_lockout_after_five_failures(self):
        for _ in range(5):
            code, _, _ = self.as_user("locked1", "requests", "list", "--json",
                                      password=self.bad_pw)
            self.assertEqual(code, 3)
        code, _, err = self.as_user("locked1", "requests", "list", "--json")
        self.assertEqual(code, 3, err)
        self.assertIn("too many", err)
        last = self.audit()[-1]
        self.assertEqual(last["action"], "session.login_locked")
        self.assertEqual(last["details"]["user"], "locked1")

    def test_totp_user_needs_a_fresh_code(self):
        code, _, err = self.as_user("dpo2", "incident", "list", "--json")
        self.assertEqual(code, 3, err)  # no code
        secret = self.users["dpo2"]["totp_secret"]
        totp = oathtool(secret)
        code, _, err = self.as_user("dpo2", "--totp", totp, "incident", "list", "--json")
        self.assertEqual(code, 0, err)
        login = [e for e in self.audit() if e["action"] == "session.login"][-1]
        self.assertEqual(login["actor"], "user:dpo2")
        self.assertTrue(login["details"]["totp"])
        self.assertEqual(login["details"]["command"], "incident list")
        # The same code again is a replay.
        code, _, err = self.as_user("dpo2", "--totp", totp, "incident", "list", "--json")
        self.assertEqual(code, 3, err)

    def test_user_from_environment(self):
        env = dict(self.env, JADEVAULT_USER="operator1")
        p = subprocess.run([J, "--vault", self.vault, "--user-password-file", self.pw, "import",
                            self.csv, "--json"], env=env, capture_output=True, timeout=600)
        self.assertEqual(p.returncode, 5, p.stderr)
        self.assertIn(b"operator", p.stderr)

    # --- the command table equals the policy table ----------------------------------------
    def test_command_table_follows_the_policy_table(self):
        policy = self.run_ok("policy", "table", "--json")
        rules = {(r["role"], r["action"]): r for r in policy["rules"]}
        table = self.run_ok("access", "table", "--json")["commands"]
        self.assertGreater(len(table), 50)
        kinds = {c["kind"] for c in table}
        self.assertEqual(kinds, {"no_vault", "creates_vault", "custodian_only", "action"})
        for c in table:
            self.assertTrue(c["custodian"]["allowed"], c["command"])
            for role in policy["roles"]:
                got = c["roles"][role]
                if c["kind"] == "action":
                    self.assertIn(c["action"], policy["actions"])
                    rule = rules.get((role, c["action"]))
                    want = rule is not None and not (c["prints_clear_pi"] and rule["masked"])
                    self.assertEqual(got["allowed"], want, (c["command"], role))
                    if want:
                        self.assertEqual(got["masked"], rule["masked"], (c["command"], role))
                    if "alt_action" in c:
                        self.assertEqual(got["alt_allowed"],
                                         (role, c["alt_action"]) in rules, (c["command"], role))
                elif c["kind"] == "custodian_only":
                    self.assertFalse(got["allowed"], (c["command"], role))
                else:
                    self.assertTrue(got["allowed"], (c["command"], role))
        # Every command the policy's actions can name is somewhere in the table.
        used = {c["action"] for c in table if c["kind"] == "action"}
        used |= {c["alt_action"] for c in table if "alt_action" in c}
        self.assertTrue(used >= set(policy["actions"]) - {"session.self", "package.receive"})

    def test_every_role_is_enforced_as_the_table_says(self):
        """For each action, one real command run by every role: refused (exit 5) exactly
        where `access table` says so; otherwise it ends as it does for the custodian."""
        table = {c["command"]: c for c in self.run_ok("access", "table", "--json")["commands"]}
        out_file = os.path.join(self.tmp, "walk-audit.jsonl")
        reveal = ["subjects", "show", self.sid, "--reveal", "mobile", "--purpose",
                  "customer_service", "--reason", "walk (测试)", "--json"]
        probes = [
            ("check", ["check", "--json"]),
            ("report", ["report", "summary", "--json"]),
            ("subjects find", ["subjects", "find", "--mobile", MOBILE, "--json"]),
            ("subjects show", ["subjects", "show", self.sid, "--json"]),
            ("audit verify", ["audit", "verify", "--json"]),
            ("audit export", ["audit", "export", "--out", out_file, "--json"]),
            ("users list", ["users", "list", "--json"]),
            ("settings show", ["settings", "show", "--json"]),
            ("import", ["import", self.csv, "--json"]),
            ("recipients list", ["recipients", "list", "--json"]),
            ("notices render", ["notices", "render", "--subject", self.sid, "--json"]),
            ("requests list", ["requests", "list", "--json"]),
            ("items list", ["items", "list", "--json"]),
            ("responses record", ["responses", "record", "--subject", "s_nosuchsubject",
                                  "--type", "consent", "--via", "phone", "--json"]),
            ("retention rules", ["retention", "rules", "--json"]),
            ("incident list", ["incident", "list", "--json"]),
            ("demo", ["demo", "--subjects", "1", "--json"]),
        ]
        actions = set()
        for command, args in probes:
            entry = table[command]
            actions.add(entry.get("action"))
            if entry["kind"] == "custodian_only":
                baseline = None  # the custodian's demo would change the vault; not run
            else:
                baseline, _, err = self.jvrun(*args)
                self.assertNotEqual(baseline, 5, (command, err))
            for role, name in STAFF.items():
                code, out, err = self.as_user(name, *args)
                if entry["roles"][role]["allowed"]:
                    self.assertEqual(code, baseline, (command, role, err))
                else:
                    self.assertEqual(code, 5, (command, role, err))
                    if entry["kind"] == "action":
                        self.assertIn(role, err, command)
                        self.assertIn(entry["action"], err, command)
                if command != "subjects show" or role != "dpo":
                    self.assertNotIn(MOBILE, out, (command, role))
        # The reveal, the one alternative action.
        baseline, _, _ = self.jvrun(*reveal)
        self.assertEqual(baseline, 0)
        for role, name in STAFF.items():
            code, _, err = self.as_user(name, *reveal)
            want = 0 if table["subjects show"]["roles"][role]["alt_allowed"] else 5
            self.assertEqual(code, want, (role, err))
        self.assertGreaterEqual(len(actions), 15)

    # --- a vault that requires a user ---------------------------------------------------
    def test_cli_requires_user(self):
        vault = os.path.join(self.tmp, "strict")
        self.run_ok("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14", "--json",
                    vault=vault)
        # Not without an admin who could turn it off again.
        code, _, err = self.jvrun("settings", "set", "access.cli_requires_user", "true", vault=vault)
        self.assertEqual(code, 5, err)
        self.assertIn("admin", err)
        for role in ("admin", "dpo"):
            self.run_ok("users", "add", role + "1", "--role", role, "--password-file", self.pw,
                        "--scrypt-log-n", "10", "--json", vault=vault)
        doc = self.run_ok("settings", "set", "access.cli_requires_user", "true", "--json",
                          vault=vault)
        self.assertTrue(doc["changed"])
        change = self.audit(vault)[-1]
        self.assertEqual(change["action"], "settings.change")
        self.assertEqual(change["actor"], "custodian")
        # Every command that opens the vault now needs --as.
        for args in (["subjects", "find", "--mobile", MOBILE, "--json"], ["audit", "verify"],
                     ["settings", "show"], ["demo", "--subjects", "1"]):
            code, _, err = self.jvrun(*args, vault=vault)
            self.assertEqual(code, 5, (args, err))
            self.assertIn("access.cli_requires_user", err)
        # Commands without a vault do not.
        self.run_ok("policy", "table", "--json", vault=vault)
        code, _, err = self.jvrun("age", "keygen", vault=vault)
        self.assertEqual(code, 0, err)
        # With --as the table decides.
        code, out, err = self.as_user("dpo1", "subjects", "find", "--mobile", MOBILE, "--json",
                                      vault=vault)
        self.assertEqual(code, 0, err)
        code, _, err = self.as_user("dpo1", "settings", "show", "--json", vault=vault)
        self.assertEqual(code, 5, err)
        code, out, err = self.as_user("admin1", "settings", "show", "--json", vault=vault)
        self.assertEqual(code, 0, err)
        self.assertTrue(json.loads(out)["settings"]["access.cli_requires_user"])
        code, out, err = self.as_user("admin1", "settings", "set", "access.cli_requires_user",
                                      "false", "--json", vault=vault)
        self.assertEqual(code, 0, err)
        self.assertEqual(self.audit(vault)[-1]["actor"], "user:admin1")
        code, _, err = self.jvrun("audit", "verify", "--json", vault=vault)
        self.assertEqual(code, 0, err)


if __name__ == "__main__":
    unittest.main()
