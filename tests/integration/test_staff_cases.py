"""End to end: the staff case-work API over real HTTPS (issue 6 item 3, SPEC §6–§9, §11).

`jadevault serve` on a transfer vault (recipients, allocation, responses, requests, checklist)
and on a liquidation vault (deadlines, creditors, claims, items, retention plan, holds). Each
route is called by a role the policy allows and its answer is compared with the CLI command
that calls the same workflow function (`jadevault … --json`) on the same vault state; roles
the policy refuses get 403; a refusal without a reason gets 400; `overdue` follows the vault
clock (JADEVAULT_FAKE_NOW, shared by the server and the CLI). Users have no TOTP here (the
fake clock would not match oathtool's); test_server.py covers TOTP.

All customers are synthetic (import_fixtures and obviously fake rows written here).
"""
import http.client
import json
import os
import shutil
import sqlite3
import ssl
import stat
import subprocess
import tempfile
import unittest

import import_fixtures as fx
import jvtest

J = jvtest.JADEVAULT
PASSWORD = "synthetic password for tests 测试"
ROLES = ["admin", "dpo", "operator", "liquidator", "auditor", "recipient"]
USCC = "91350100M000100Y43"  # check character valid (classify/uscc_test.cc)


def age_recipient():
    out = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines() + out.stderr.splitlines():
        if "age1" in line:
            return line[line.index("age1"):].split()[0]
    raise AssertionError("age-keygen printed no recipient")


class ServedVault(unittest.TestCase):
    """One vault and one `serve` per class; subclasses fill the vault in prepare()."""
    CASE = "transfer"
    NOW = "2026-11-02T02:00:00Z"

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jv-it-cases-")
        # Class cleanups run even when setUpClass fails half-way.
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.vault = os.path.join(cls.tmp, "vault")
        cls.env = dict(os.environ, JADEVAULT_PASSPHRASE=jvtest.PASSPHRASE,
                       JADEVAULT_FAKE_NOW=cls.NOW)
        cls.run_ok("init", "--company", "某某珠宝有限公司", "--case", cls.CASE,
                   "--scrypt-log-n", "14", "--json")
        pw = os.path.join(cls.tmp, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        for role in ROLES:
            cls.run_ok("users", "add", role + "1", "--role", role, "--password-file", pw,
                       "--scrypt-log-n", "12", "--json")
        cls.table = cls.run_ok("policy", "table", "--json")
        cls.prepare()
        cls.proc = subprocess.Popen(
            [J, "--vault", cls.vault, "serve", "--listen", "127.0.0.1:0", "--json"],
            env=cls.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        cls.addClassCleanup(cls.stop_server)
        line = cls.proc.stdout.readline()
        if not line:
            raise RuntimeError("serve did not start: " + cls.proc.stderr.read().decode())
        cls.port = json.loads(line)["port"]
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.vault, "tls", "server.crt"))
        cls.sessions = {}

    @classmethod
    def stop_server(cls):
        cls.proc.terminate()
        try:
            cls.proc.wait(timeout=30)
        finally:
            cls.proc.stdout.close()
            cls.proc.stderr.close()

    @classmethod
    def prepare(cls):
        pass

    @classmethod
    def cli(cls, *args):
        return subprocess.run([J, "--vault", cls.vault] + list(args), env=cls.env,
                              capture_output=True, timeout=600)

    @classmethod
    def run_ok(cls, *args):
        p = cls.cli(*args)
        if p.returncode != 0:
            raise AssertionError(f"{args[:2]} failed: {p.stderr.decode(errors='replace')}")
        return json.loads(p.stdout)

    @classmethod
    def write(cls, name, lines):
        path = os.path.join(cls.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    @classmethod
    def find(cls, mobile):
        """The first subject with this mobile (import_fixtures has families sharing one)."""
        r = cls.run_ok("subjects", "find", "--mobile", mobile, "--json")
        assert r["subjects"], mobile
        return r["subjects"][0]["id"]

    def allowed(self, role, action):
        return any(r["role"] == role and r["action"] == action for r in self.table["rules"])

    def request(self, method, path, body=None, token=None, csrf=None):
        """(status, JSON or None, Set-Cookie header or None)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=60)
        h = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token:
            h["Cookie"] = "__Host-jv_session=" + token
        if csrf:
            h["X-CSRF-Token"] = csrf
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        cookie = resp.getheader("Set-Cookie")
        conn.close()
        return resp.status, (json.loads(payload) if payload else None), cookie

    def call(self, role, method, path, body=None):
        """(status, JSON) for `role` (logged in once per class)."""
        if role not in self.sessions:
            status, login, cookie = self.request("POST", "/api/v1/session",
                                                 {"user": role + "1", "password": PASSWORD})
            self.assertEqual(status, 200, login)
            type(self).sessions[role] = (cookie.split(";")[0].split("=", 1)[1], login["csrf"])
        token, csrf = self.sessions[role]
        status, doc, _ = self.request(method, path, body, token=token,
                                      csrf=csrf if method != "GET" else None)
        return status, doc

    def ok(self, role, method, path, body=None):
        status, doc = self.call(role, method, path, body)
        self.assertEqual(status, 200, (role, method, path, doc))
        return doc

    def audit(self):
        db = sqlite3.connect(os.path.join(self.vault, "vault.db"))
        try:
            return [json.loads(r[0]) for r in db.execute("SELECT line FROM audit ORDER BY seq")]
        finally:
            db.close()

    def check_refusals(self, routes):
        """Every role without a rule for the route's action gets 403 (and the others do not)."""
        for method, path, action, body in routes:
            for role in ROLES:
                status, doc = self.call(role, method, path, body)
                if self.allowed(role, action):
                    self.assertNotIn(status, (401, 403), (role, method, path, doc))
                else:
                    self.assertEqual(status, 403, (role, method, path, doc))
                    self.assertEqual(doc["error"]["code"], "permission_denied")


@unittest.skipUnless(shutil.which("age-keygen"), "needs age-keygen")
class TransferCasesTest(ServedVault):
    CASE = "transfer"

    @classmethod
    def prepare(cls):
        csv = os.path.join(cls.tmp, "customers.csv")
        with open(csv, "wb") as f:
            f.write(fx.csv_utf8_bom_crlf())
        cls.run_ok("import", csv, "--import-date", fx.IMPORT_DATE, "--json")
        cls.run_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        cls.subject = cls.find("13800138000")
        cls.other = cls.find("13900139000")
        assert cls.other != cls.subject
        # One request received 2026-09-24 (due 2026-10-22: overdue on the vault's 2026-11-02),
        # one received today.
        cls.old = cls.run_ok("requests", "open", "--subject", cls.subject, "--type", "access",
                             "--via", "phone", "--received", "2026-09-24", "--json")
        cls.new = cls.run_ok("requests", "open", "--subject", cls.subject, "--type",
                             "explanation", "--via", "letter", "--json")

    def test_policy_refuses_other_roles(self):
        self.check_refusals([
            ("GET", "/api/v1/transfer", "transfer.manage", None),
            ("GET", "/api/v1/recipients", "transfer.manage", None),
            ("POST", "/api/v1/recipients", "transfer.manage", {}),
            ("POST", "/api/v1/allocate", "transfer.manage", {}),
            ("GET", "/api/v1/responses", "response.record", None),
            ("GET", "/api/v1/requests", "requests.manage", None),
            ("POST", "/api/v1/requests", "requests.manage", {}),
            ("POST", "/api/v1/requests/req_x/fulfil", "requests.manage", {}),
            ("POST", "/api/v1/requests/req_x/refuse", "requests.manage", {}),
            ("GET", "/api/v1/checklist", "status.read", None),
            ("GET", "/api/v1/liquidation/deadlines", "liquidation.manage", None),
            ("GET", "/api/v1/claims", "liquidation.manage", None),
            ("GET", "/api/v1/holds", "retention.manage", None),
        ])
        # Spot checks against the table in words: the operator has no transfer work, the
        # liquidator no requests queue, the recipient no checklist.
        self.assertEqual(self.call("operator", "GET", "/api/v1/recipients")[0], 403)
        self.assertEqual(self.call("liquidator", "GET", "/api/v1/requests")[0], 403)
        self.assertEqual(self.call("recipient", "GET", "/api/v1/checklist")[0], 403)

    def test_recipients_and_allocation_like_the_cli(self):
        tr = self.ok("dpo", "GET", "/api/v1/transfer")
        self.assertTrue(tr["set_up"])
        self.assertEqual((tr["reason"], tr["article"], tr["objection_days"]),
                         ("merger", "PIPL 22", 30))
        body = {"name": "接收珠宝有限公司", "uscc": USCC, "contact_name": "王经理",
                "contact_phone": "010-12345678", "address": "北京市东城区某路9号",
                "region": "CN", "age_recipient": age_recipient(), "scope": ["name", "mobile"]}
        bad = dict(body, uscc="91350100M000100Y44")
        status, doc = self.call("dpo", "POST", "/api/v1/recipients", bad)
        self.assertEqual(status, 400, doc)
        self.assertIn("uscc", doc["error"]["message"].lower())
        rc = self.ok("dpo", "POST", "/api/v1/recipients", body)
        listed = self.ok("dpo", "GET", "/api/v1/recipients")
        cli = self.run_ok("recipients", "list", "--json")
        self.assertEqual(listed["recipients"], cli["recipients"])
        self.assertIn(rc["id"], [r["id"] for r in listed["recipients"]])
        status, doc = self.call("dpo", "POST", "/api/v1/allocate", {"recipient": rc["id"]})
        self.assertEqual(status, 400, doc)
        alloc = self.ok("dpo", "POST", "/api/v1/allocate", {"recipient": rc["id"], "all": True})
        self.assertGreater(alloc["allocated"], 0)
        self.assertEqual(alloc["recipient_total"], alloc["allocated"])
        again = self.run_ok("allocate", "--recipient", rc["id"], "--all", "--json")
        self.assertEqual(again["allocated"], 0)
        self.assertEqual(again["recipient_total"], alloc["recipient_total"])
        after = self.ok("dpo", "GET", "/api/v1/recipients")
        self.assertEqual(after["allocation"][rc["id"]], alloc["recipient_total"])
        actions = [(e["action"], e["actor"]) for e in self.audit()]
        self.assertIn(("recipient.add", "user:dpo1"), actions)
        self.assertIn(("transfer.allocate", "user:dpo1"), actions)

    def test_responses_list(self):
        rec = self.ok("operator", "POST", "/api/v1/responses",
                      {"subject": self.other, "type": "correct", "via": "phone"})
        doc = self.ok("operator", "GET", "/api/v1/responses")
        mine = [r for r in doc["responses"] if r["id"] == rec["response"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["subject"], mine[0]["type"], mine[0]["via"]),
                         (self.other, "correct", "phone"))
        self.assertEqual(mine[0]["at"], self.NOW)
        self.assertEqual(doc["by_type"]["correct"], sum(
            1 for r in doc["responses"] if r["type"] == "correct"))
        only = self.ok("dpo", "GET", "/api/v1/responses?subject=" + self.other)
        self.assertTrue(all(r["subject"] == self.other for r in only["responses"]))
        self.assertEqual(self.call("dpo", "GET", "/api/v1/responses?subject=x")[0], 400)

    def test_requests_queue_like_the_cli_with_overdue(self):
        doc = self.ok("operator", "GET", "/api/v1/requests")
        cli = self.run_ok("requests", "list", "--json")
        self.assertEqual(doc["requests"], cli["requests"])
        self.assertEqual(doc["today"], "2026-11-02")
        by_id = {r["id"]: r for r in doc["requests"]}
        self.assertEqual(by_id[self.old["id"]]["due"], "2026-10-22")
        self.assertTrue(by_id[self.old["id"]]["overdue"])
        self.assertFalse(by_id[self.new["id"]]["overdue"])
        self.assertEqual(doc["counts"]["overdue"],
                         sum(1 for r in cli["requests"] if r["overdue"]))
        # Open over HTTP: the same deadline rule as the CLI (issue 6: 2026-09-24 -> 10-22).
        opened = self.ok("operator", "POST", "/api/v1/requests",
                         {"subject": self.other, "type": "copy", "via": "phone",
                          "received": "2026-09-24"})
        self.assertEqual(opened["due"], "2026-10-22")
        status, doc = self.call("operator", "POST", "/api/v1/requests",
                                {"subject": self.other, "type": "nonsense", "via": "phone"})
        self.assertEqual(status, 400, doc)
        # Refuse: the reason is mandatory (P50).
        for body in ({}, {"reason": "   "}):
            status, doc = self.call("operator", "POST",
                                    f"/api/v1/requests/{opened['id']}/refuse", body)
            self.assertEqual(status, 400, doc)
            self.assertIn("reason", doc["error"]["message"])
        refused = self.ok("operator", "POST", f"/api/v1/requests/{opened['id']}/refuse",
                          {"reason": "无法核实申请人身份 (测试)"})
        self.assertEqual(refused["status"], "refused")
        self.assertTrue(refused["has_reason"])
        status, doc = self.call("operator", "POST", f"/api/v1/requests/{opened['id']}/refuse",
                                {"reason": "again"})
        self.assertEqual(status, 409, doc)
        # Fulfil the overdue access request: the JSON copy goes to <vault>/requests_out, 0600.
        done = self.ok("dpo", "POST", f"/api/v1/requests/{self.old['id']}/fulfil", {})
        self.assertEqual(done["status"], "fulfilled")
        self.assertEqual(done["files"], [self.old["id"] + ".json"])
        path = os.path.join(self.vault, "requests_out", self.old["id"] + ".json")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, encoding="utf-8") as f:
            self.assertEqual(json.load(f)["subject"], self.subject)
        self.assertEqual(self.call("dpo", "POST", "/api/v1/requests/bad-id!/fulfil", {})[0], 400)
        cli = self.run_ok("requests", "list", "--json")
        self.assertEqual(self.ok("dpo", "GET", "/api/v1/requests")["requests"], cli["requests"])
        st = {r["id"]: r["status"] for r in cli["requests"]}
        self.assertEqual((st[opened["id"]], st[self.old["id"]]), ("refused", "fulfilled"))
        entries = [e for e in self.audit() if e["action"].startswith("request.")]
        got = {(e["action"], e["actor"], e["details"].get("request")) for e in entries}
        self.assertIn(("request.open", "user:operator1", opened["id"]), got)
        self.assertIn(("request.refuse", "user:operator1", opened["id"]), got)
        self.assertIn(("request.fulfil", "user:dpo1", self.old["id"]), got)
        for e in entries:
            self.assertNotIn("无法核实", json.dumps(e, ensure_ascii=False))
        open_only = self.ok("dpo", "GET", "/api/v1/requests?status=open")
        self.assertTrue(all(r["status"] == "open" for r in open_only["requests"]))
        self.assertEqual(self.call("dpo", "GET", "/api/v1/requests?status=x")[0], 400)

    def test_checklist_like_check(self):
        doc = self.ok("auditor", "GET", "/api/v1/checklist")
        p = self.cli("check", "--json")
        cli = json.loads(p.stdout)
        self.assertEqual(p.returncode, 1 if cli["blocked"] else 0)
        self.assertEqual(doc["blocked"], cli["blocked"])
        self.assertEqual([(r["id"], r["status"], r["blocking"], r["article"]) for r in doc["rules"]],
                         [(r["id"], r["status"], r["blocking"], r["article"]) for r in cli["rules"]])
        self.assertIn("PIPL-22-NOTICE", [r["id"] for r in doc["rules"]])

    def test_liquidation_routes_not_set_up_on_a_transfer_vault(self):
        doc = self.ok("dpo", "GET", "/api/v1/liquidation/deadlines")
        self.assertFalse(doc["set_up"])
        p = self.cli("liquidation", "deadlines", "--json")
        self.assertNotEqual(p.returncode, 0)


class LiquidationCasesTest(ServedVault):
    CASE = "liquidation"
    NOW = "2026-03-01T04:00:00Z"
    MOBILES = ["13900000101", "13900000102", "13900000103"]

    @classmethod
    def prepare(cls):
        cls.run_ok("import", cls.write("customers.csv", [
            "姓名,手机,储值余额,积分",
            f"测试甲,{cls.MOBILES[0]},\"¥1,000.50\",100",
            f"测试乙,{cls.MOBILES[1]},0,",
            f"测试丙,{cls.MOBILES[2]},88,",
        ]), "--json")
        cls.run_ok("import", cls.write("items.csv", [
            "手机,物品名称,类型,重量,取件单号,收件日期,费用",
            f"{cls.MOBILES[1]},金戒指,维修,3.5,R-1,2026-01-10,50",
            f"{cls.MOBILES[1]},玉镯,寄存,20,R-2,2026-01-11,",
        ]), "--kind", "items", "--json")
        cls.run_ok("liquidation", "setup", "--type", "dissolution", "--dissolution-date",
                   "2026-02-05", "--json")
        cls.owners = [cls.find(m) for m in cls.MOBILES]

    def test_policy_refuses_other_roles(self):
        routes = [("GET", p, "liquidation.manage", None) for p in (
            "/api/v1/liquidation/deadlines", "/api/v1/liquidation/creditors", "/api/v1/claims",
            "/api/v1/items")]
        routes += [("GET", p, "retention.manage", None) for p in (
            "/api/v1/retention/plan", "/api/v1/holds")]
        routes += [("POST", p, "liquidation.manage", {}) for p in (
            "/api/v1/claims", "/api/v1/items/it_1/return")]
        routes += [("POST", p, "retention.manage", {}) for p in (
            "/api/v1/holds", "/api/v1/holds/hold_x/release")]
        self.check_refusals(routes)
        self.assertEqual(self.call("operator", "GET", "/api/v1/claims")[0], 403)
        self.assertEqual(self.call("admin", "GET", "/api/v1/liquidation/creditors")[0], 403)

    def test_deadlines_and_creditors_like_the_cli(self):
        doc = self.ok("liquidator", "GET", "/api/v1/liquidation/deadlines")
        cli = self.run_ok("liquidation", "deadlines", "--json")
        self.assertTrue(doc["set_up"])
        self.assertEqual(doc["today"], "2026-03-01")
        for k in cli:
            self.assertEqual(doc[k], cli[k], k)
        self.assertGreater(len(doc["deadlines"]), 0)
        moved = [d for d in doc["deadlines"] if "adjusted_from" in d]
        for d in moved:  # a moved date is later than the day it was moved from
            self.assertGreater(d["due"], d["adjusted_from"])
            self.assertIn("Art. 203", d["adjusted_reason"])
        cred = self.ok("dpo", "GET", "/api/v1/liquidation/creditors")
        self.assertEqual(cred, self.run_ok("liquidation", "creditors", "--json"))
        self.assertEqual(cred["prepaid_holders"], 2)
        self.assertEqual(cred["total_prepaid_fen"], 100050 + 8800)
        blob = json.dumps(cred, ensure_ascii=False)
        for m in self.MOBILES + ["测试甲", "测试乙", "测试丙"]:
            self.assertNotIn(m, blob)

    def test_claims_like_the_cli_notes_masked(self):
        rec = self.ok("liquidator", "POST", "/api/v1/claims",
                      {"subject": self.owners[0], "status": "declared", "amount_fen": 100050})
        self.assertEqual(rec["status"], "verified")
        status, doc = self.call("liquidator", "POST", "/api/v1/claims",
                                {"subject": self.owners[2], "status": "declared",
                                 "amount_fen": -1})
        self.assertEqual(status, 400, doc)
        status, doc = self.call("liquidator", "POST", "/api/v1/claims",
                                {"subject": self.owners[2], "status": "disputed"})
        self.assertIn(status, (400, 404, 409), doc)
        self.ok("liquidator", "POST", "/api/v1/claims",
                {"subject": self.owners[2], "status": "declared", "amount_fen": 9900,
                 "note": "客户来电补充说明 (测试)"})
        api = self.ok("liquidator", "GET", "/api/v1/claims")
        cli = self.run_ok("claims", "list", "--json")
        self.assertEqual(api["by_status"], cli["by_status"])
        self.assertEqual(api["count"], cli["count"])
        for a, c in zip(api["claims"], cli["claims"]):
            if "notes" in c:
                self.assertEqual(a["notes_count"], len(c["notes"]))
                c = {k: v for k, v in c.items() if k != "notes"}
                a = {k: v for k, v in a.items() if k != "notes_count"}
            self.assertEqual(a, c)
        self.assertTrue(any("notes" in c for c in cli["claims"]))
        self.assertNotIn("客户来电", json.dumps(api, ensure_ascii=False))
        disputed = [c for c in api["claims"] if c["subject"] == self.owners[2]][0]
        self.assertEqual(disputed["status"], "disputed")
        # Paying inside the declaration period is refused (CL 235 / EBL 16).
        self.ok("liquidator", "POST", "/api/v1/claims",
                {"subject": self.owners[0], "status": "confirmed"})
        status, doc = self.call("liquidator", "POST", "/api/v1/claims",
                                {"subject": self.owners[0], "status": "paid",
                                 "amount_fen": 100050})
        self.assertEqual(status, 403, doc)
        actions = [(e["action"], e["actor"]) for e in self.audit()]
        self.assertIn(("claims.record", "user:liquidator1"), actions)

    def test_items_list_and_return_like_the_cli(self):
        api = self.ok("liquidator", "GET", "/api/v1/items?status=held")
        cli = self.run_ok("items", "list", "--status", "held", "--json")
        self.assertEqual(api, cli)
        self.assertEqual(api["held"], 2)
        item = api["items"][0]["id"]
        status, doc = self.call("liquidator", "POST", f"/api/v1/items/{item}/return",
                                {"to": "owner"})
        self.assertEqual(status, 400, doc)
        status, doc = self.call("liquidator", "POST", f"/api/v1/items/{item}/return",
                                {"to": "他人 (测试)", "receipt": "S-1"})
        self.assertEqual(status, 400, doc)
        ret = self.ok("liquidator", "POST", f"/api/v1/items/{item}/return",
                      {"to": "owner", "receipt": "S-1"})
        self.assertEqual((ret["status"], ret["to_owner"]), ("returned", True))
        status, doc = self.call("liquidator", "POST", f"/api/v1/items/{item}/return",
                                {"to": "owner", "receipt": "S-2"})
        self.assertEqual(status, 409, doc)
        after = self.run_ok("items", "list", "--json")
        self.assertEqual(self.ok("dpo", "GET", "/api/v1/items"), after)
        self.assertEqual([i["status"] for i in after["items"] if i["id"] == item], ["returned"])
        self.assertEqual(self.call("dpo", "GET", "/api/v1/items?status=x")[0], 400)

    def test_retention_plan_and_holds_like_the_cli(self):
        api = self.ok("dpo", "GET", "/api/v1/retention/plan")
        cli = self.run_ok("retention", "plan", "--json")
        self.assertEqual(api, cli)
        later = self.ok("dpo", "GET", "/api/v1/retention/plan?as_of=2036-03-01")
        self.assertEqual(later["as_of"], "2036-03-01")
        self.assertEqual(later, self.run_ok("retention", "plan", "--as-of", "2036-03-01", "--json"))
        self.assertEqual(self.call("dpo", "GET", "/api/v1/retention/plan?as_of=x")[0], 400)
        status, doc = self.call("liquidator", "POST", "/api/v1/holds",
                                {"subject": self.owners[1]})
        self.assertEqual(status, 400, doc)
        hold = self.ok("liquidator", "POST", "/api/v1/holds",
                       {"subject": self.owners[1], "reason": "(2026)京0105民初1号 测试"})
        self.assertEqual((hold["status"], hold["subject"]), ("active", self.owners[1]))
        listed = self.ok("liquidator", "GET", "/api/v1/holds")
        self.assertEqual(listed, self.run_ok("holds", "list", "--json"))
        self.assertIn(hold["id"], [h["id"] for h in listed["holds"]])
        status, doc = self.call("liquidator", "POST", f"/api/v1/holds/{hold['id']}/release", {})
        self.assertEqual(status, 400, doc)
        rel = self.ok("liquidator", "POST", f"/api/v1/holds/{hold['id']}/release",
                      {"reason": "案件已结 测试"})
        self.assertEqual(rel["status"], "released")
        self.assertEqual(self.ok("dpo", "GET", "/api/v1/holds?include_released=1"),
                         self.run_ok("holds", "list", "--include-released", "--json"))
        self.assertNotIn(hold["id"], [h["id"] for h in self.ok("dpo", "GET", "/api/v1/holds")["holds"]])
        actions = [(e["action"], e["actor"]) for e in self.audit()]
        self.assertIn(("hold.add", "user:liquidator1"), actions)
        self.assertIn(("hold.release", "user:liquidator1"), actions)
        self.assertIn(("retention.plan", "user:dpo1"), actions)


if __name__ == "__main__":
    unittest.main()
