"""End to end: `jadevault users` and `jadevault serve` over real HTTPS (issue 6, SPEC §4, §11).

One vault per class (synthetic customers from import_fixtures), one `serve` on a free port
with the vault's own self-signed certificate, trusted by Python's ssl. TOTP codes come from
`oathtool --totp -b SECRET` (an independent implementation). The role × route expectations
come from `jadevault policy table --json`, the same source the server uses.
"""
import hashlib
import http.client
import json
import os
import shutil
import socket
import sqlite3
import ssl
import subprocess
import tempfile
import time
import unittest

import import_fixtures as fx
import jvtest

J = jvtest.JADEVAULT
PASSWORD = "synthetic password for tests 测试"
MOBILE = "13800138000"  # a synthetic customer of import_fixtures
STAFF = {"admin": "admin1", "dpo": "dpo1", "operator": "operator1", "liquidator": "liquidator1",
         "auditor": "auditor1", "recipient": "recipient1"}


def oathtool(secret, now=None):
    cmd = ["oathtool", "--totp", "-b", secret]
    if now:
        cmd += ["--now", now]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip()


class ServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jv-it-server-")
        cls.vault = os.path.join(cls.tmp, "vault")
        cls.env = dict(os.environ, JADEVAULT_PASSPHRASE=jvtest.PASSPHRASE)
        cls.env.pop("JADEVAULT_FAKE_NOW", None)  # TOTP against the real clock, like oathtool
        cls.init_doc = cls.run_ok("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14",
                                  "--json")
        csv = os.path.join(cls.tmp, "customers.csv")
        with open(csv, "wb") as f:
            f.write(fx.csv_utf8_bom_crlf())
        cls.run_ok("import", csv, "--import-date", fx.IMPORT_DATE, "--json")
        pw = os.path.join(cls.tmp, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        cls.users = {}
        for role, name in list(STAFF.items()) + [("operator", "locked1")]:
            extra = ["--totp"] if role == "dpo" else []
            cls.users[name] = cls.run_ok("users", "add", name, "--role", role, "--password-file",
                                         pw, "--scrypt-log-n", "12", "--json", *extra)
        cls.table = cls.run_ok("policy", "table", "--json")
        cls.access_log = os.path.join(cls.tmp, "access.log")
        cls.proc = subprocess.Popen(
            [J, "--vault", cls.vault, "serve", "--listen", "127.0.0.1:0", "--access-log",
             cls.access_log, "--json"], env=cls.env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        line = cls.proc.stdout.readline()
        if not line:
            raise RuntimeError("serve did not start: " + cls.proc.stderr.read().decode())
        cls.info = json.loads(line)
        cls.port = cls.info["port"]
        cls.ctx = ssl.create_default_context(cafile=os.path.join(cls.vault, "tls", "server.crt"))
        cls.sessions = {}

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        try:
            cls.proc.wait(timeout=30)
        finally:
            cls.proc.stdout.close()
            cls.proc.stderr.close()
            shutil.rmtree(cls.tmp, ignore_errors=True)

    @classmethod
    def run_ok(cls, *args):
        p = subprocess.run([J, "--vault", cls.vault] + list(args), env=cls.env,
                           capture_output=True, timeout=600)
        if p.returncode != 0:
            raise AssertionError(f"{args[:2]} failed: {p.stderr.decode(errors='replace')}")
        return json.loads(p.stdout)

    # --- HTTP helpers ----------------------------------------------------------------------
    def request(self, method, path, body=None, token=None, csrf=None, raw=None, headers=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=30)
        h = dict(headers or {})
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h.setdefault("Content-Type", "application/json")
        if token:
            h["Cookie"] = "__Host-jv_session=" + token
        if csrf:
            h["X-CSRF-Token"] = csrf
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        doc = None
        if resp.getheader("Content-Type", "").startswith("application/json"):
            doc = json.loads(payload)
        return resp, doc

    def login(self, user, totp=None):
        body = {"user": user, "password": PASSWORD}
        if totp is not None:
            body["totp"] = totp
        return self.request("POST", "/api/v1/session", body)

    def session(self, user):
        """A logged-in (token, csrf) for `user`; the DPO logs in with oathtool's code once."""
        if user not in self.sessions:
            totp = None
            if self.users[user].get("totp"):
                totp = oathtool(self.users[user]["totp_secret"])
            resp, doc = self.login(user, totp)
            self.assertEqual(resp.status, 200, doc)
            cookie = resp.getheader("Set-Cookie")
            for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
                self.assertIn(attr, cookie)
            token = cookie.split(";")[0].split("=", 1)[1]
            self.assertEqual(len(token), 64)
            type(self).sessions[user] = (token, doc["csrf"])
        return self.sessions[user]

    def audit_lines(self):
        db = sqlite3.connect(os.path.join(self.vault, "vault.db"))
        try:
            return [row[0] for row in db.execute("SELECT line FROM audit ORDER BY seq")]
        finally:
            db.close()

    def subject_id(self):
        token, _ = self.session("operator1")
        resp, doc = self.request("GET", "/api/v1/subjects?mobile=" + MOBILE, token=token)
        self.assertEqual(resp.status, 200, doc)
        self.assertGreaterEqual(len(doc["subjects"]), 1)
        return doc["subjects"][0]["id"]

    # --- tests -----------------------------------------------------------------------------
    def test_a_users_add_and_list(self):
        dpo = self.users["dpo1"]
        self.assertEqual(dpo["role"], "dpo")
        self.assertRegex(dpo["totp_secret"], r"^[A-Z2-7]{32}$")
        self.assertTrue(dpo["otpauth_uri"].startswith("otpauth://totp/jadevault:dpo1?secret="))
        self.assertNotIn("totp_secret", self.users["operator1"])
        listing = self.run_ok("users", "list", "--json")
        names = [u["name"] for u in listing["users"]]
        self.assertEqual(sorted(names), sorted(list(STAFF.values()) + ["locked1"]))
        text = json.dumps(listing)
        self.assertNotIn(dpo["totp_secret"], text)
        self.assertNotIn("hash", text)
        p = subprocess.run([J, "--vault", self.vault, "users", "add", "dpo1", "--role", "dpo",
                            "--password-file", os.path.join(self.tmp, "pw"), "--json"],
                           env=self.env, capture_output=True)
        self.assertEqual(p.returncode, 4)  # already exists
        p = subprocess.run([J, "--vault", self.vault, "users", "add", "x1", "--role", "root",
                            "--password-file", os.path.join(self.tmp, "pw"), "--json"],
                           env=self.env, capture_output=True)
        self.assertEqual(p.returncode, 4)
        self.assertTrue(any('"action":"user.add"' in l for l in self.audit_lines()))
        # Nothing about the password or the TOTP secret is in the vault files in the clear.
        blob = b""
        for root, _, files in os.walk(self.vault):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    blob += fh.read()
        self.assertNotIn(PASSWORD.encode(), blob)
        self.assertNotIn(dpo["totp_secret"].encode(), blob)

    def test_b_certificate_and_security_headers(self):
        # init made the certificate; serve uses it and says so.
        self.assertFalse(self.info["cert_created"])
        self.assertEqual(self.info["cert_sha256"], self.init_doc["tls_cert_sha256"])
        with open(os.path.join(self.vault, "tls", "server.crt"), "rb") as f:
            pem = f.read()
        der = ssl.PEM_cert_to_DER_cert(pem.decode())
        self.assertEqual(hashlib.sha256(der).hexdigest(), self.init_doc["tls_cert_sha256"])
        key = os.path.join(self.vault, "tls", "server.key")
        self.assertEqual(os.stat(key).st_mode & 0o777, 0o600)
        self.assertEqual(self.info["url"], f"https://127.0.0.1:{self.port}/")
        for path in ("/", "/api/v1/me", "/api/v1/nothing-here", "/static/app.js"):
            resp, _ = self.request("GET", path)
            csp = resp.getheader("Content-Security-Policy")
            self.assertIn("default-src 'self'", csp, path)
            self.assertIn("frame-ancestors 'none'", csp, path)
            self.assertEqual(resp.getheader("X-Content-Type-Options"), "nosniff")
            self.assertEqual(resp.getheader("Referrer-Policy"), "no-referrer")
            self.assertIn("max-age=", resp.getheader("Strict-Transport-Security"))
        resp, _ = self.request("GET", "/")
        self.assertEqual(resp.status, 200)
        self.assertIn("text/html", resp.getheader("Content-Type"))
        # Plain HTTP on the TLS port does not get an answer.
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = s.recv(100)
            except ConnectionResetError:
                data = b""
            self.assertFalse(data.startswith(b"HTTP/1.1 401"))

    def test_c_totp_login_checked_with_oathtool(self):
        secret = self.users["dpo1"]["totp_secret"]
        resp, doc = self.login("dpo1")  # password only
        self.assertEqual(resp.status, 401)
        stale = oathtool(secret, now=time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                                   time.gmtime(time.time() - 600)))
        resp, doc = self.login("dpo1", stale)
        self.assertEqual(resp.status, 401)
        self.assertNotIn(stale, json.dumps(doc))
        token, csrf = self.session("dpo1")  # the current code works
        resp, doc = self.request("GET", "/api/v1/me", token=token)
        self.assertEqual((resp.status, doc["user"], doc["role"]), (200, "dpo1", "dpo"))

    def test_d_csrf_required_on_state_changes(self):
        sid = self.subject_id()
        token, csrf = self.session("dpo1")
        body = {"field": "mobile", "purpose": "rights_request", "reason": "客户来电申请 (测试)"}
        resp, doc = self.request("POST", f"/api/v1/subjects/{sid}/reveal", body, token=token)
        self.assertEqual(resp.status, 403)
        self.assertEqual(doc["error"]["code"], "csrf")
        resp, _ = self.request("POST", f"/api/v1/subjects/{sid}/reveal", body, token=token,
                               csrf="0" * 64)
        self.assertEqual(resp.status, 403)
        resp, _ = self.request("DELETE", "/api/v1/session", token=token)
        self.assertEqual(resp.status, 403)
        resp, _ = self.request("GET", "/api/v1/me", token=token)
        self.assertEqual(resp.status, 200)  # still logged in

    def test_e_lockout_after_failures(self):
        for _ in range(5):
            resp, _ = self.request("POST", "/api/v1/session",
                                   {"user": "locked1", "password": "wrong password x"})
            self.assertEqual(resp.status, 401)
        resp, doc = self.login("locked1")  # the right password, too late
        self.assertEqual(resp.status, 429)
        self.assertEqual(doc["error"]["code"], "locked")
        self.assertTrue(any('"action":"session.login_locked"' in l for l in self.audit_lines()))

    def test_f_body_size_limit_and_bad_input(self):
        big = json.dumps({"user": "x", "password": "y" * 100000}).encode()
        try:
            resp, _ = self.request("POST", "/api/v1/session", raw=big)
            self.assertEqual(resp.status, 413)
        except (BrokenPipeError, ConnectionResetError):
            self.fail("the server dropped the connection instead of answering 413")
        resp, doc = self.request("POST", "/api/v1/session", {"user": "operator1"})
        self.assertEqual(resp.status, 400)
        self.assertEqual(doc["error"]["message"], "password is required")
        resp, _ = self.request("POST", "/api/v1/session", raw=b"user=a",
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(resp.status, 415)
        token, _ = self.session("operator1")
        resp, doc = self.request("GET", "/api/v1/subjects?mobile=12345", token=token)
        self.assertEqual(resp.status, 400)
        self.assertIn("mobile", doc["error"]["message"])
        self.assertNotIn("12345", doc["error"]["message"])
        resp, doc = self.request("GET", "/api/v1/subjects?mobile=" + MOBILE + "&purpose=fun",
                                 token=token)
        self.assertEqual(resp.status, 400)
        self.assertIn("purpose", doc["error"]["message"])

    def test_g_masked_search_matches_the_cli(self):
        token, _ = self.session("operator1")
        resp, doc = self.request("GET", "/api/v1/subjects?mobile=" + MOBILE, token=token)
        self.assertEqual(resp.status, 200)
        cli = self.run_ok("subjects", "find", "--mobile", MOBILE, "--json")
        self.assertEqual(doc, cli)
        self.assertNotIn(MOBILE, json.dumps(doc, ensure_ascii=False))
        sid = doc["subjects"][0]["id"]
        resp, shown = self.request("GET", f"/api/v1/subjects/{sid}", token=token)
        self.assertEqual(resp.status, 200)
        cli = self.run_ok("subjects", "show", sid, "--json")
        self.assertEqual(shown["masked"], cli["masked"])
        self.assertEqual(shown["records"], cli["records"])
        resp, _ = self.request("GET", "/api/v1/subjects/s_doesnotexist", token=token)
        self.assertEqual(resp.status, 404)

    def test_h_reveal_needs_reason_and_is_audited(self):
        sid = self.subject_id()
        token, csrf = self.session("dpo1")
        body = {"field": "mobile", "purpose": "rights_request"}
        resp, doc = self.request("POST", f"/api/v1/subjects/{sid}/reveal", body, token=token,
                                 csrf=csrf)
        self.assertEqual(resp.status, 403)
        self.assertIn("reason", doc["error"]["message"])
        body["reason"] = "客户书面申请查阅 (测试)"
        resp, doc = self.request("POST", f"/api/v1/subjects/{sid}/reveal", body, token=token,
                                 csrf=csrf)
        self.assertEqual(resp.status, 200, doc)
        self.assertEqual(doc["revealed"]["mobile"], MOBILE)
        reveals = [json.loads(l) for l in self.audit_lines() if '"subject.reveal"' in l]
        mine = [e for e in reveals if e["actor"] == "user:dpo1" and e["subject"] == sid]
        self.assertTrue(mine)
        self.assertEqual(mine[-1]["details"]["field"], "mobile")
        self.assertEqual(mine[-1]["purpose"], "rights_request")
        for line in self.audit_lines():
            self.assertNotIn(MOBILE, line)
        # The operator cannot reveal.
        op, op_csrf = self.session("operator1")
        resp, _ = self.request("POST", f"/api/v1/subjects/{sid}/reveal", body, token=op,
                               csrf=op_csrf)
        self.assertEqual(resp.status, 403)

    def test_i_every_route_every_role_follows_the_policy_table(self):
        sid = self.subject_id()
        rules = {(r["role"], r["action"]): r for r in self.table["rules"]}
        routes = [r for r in self.table["routes"] if r["action"]]
        self.assertGreaterEqual(len(routes), 7)
        # Without a session: 401 everywhere.
        for r in routes:
            path = r["path"].replace("{id}", sid)
            resp, _ = self.request(r["method"], path, body={} if r["method"] == "POST" else None)
            self.assertEqual(resp.status, 401, r)
        # Logout last, so each role keeps its session through the walk.
        routes.sort(key=lambda r: r["method"] == "DELETE")
        for role, user in STAFF.items():
            token, csrf = self.session(user)
            for r in routes:
                path = r["path"].replace("{id}", sid)
                purpose = "customer_service"
                body = {} if r["method"] == "POST" else None
                if r["path"] == "/api/v1/subjects":
                    path += "?mobile=" + MOBILE
                if r["action"] == "subject.reveal":
                    purpose = "rights_request"
                    body = {"field": "name", "purpose": purpose, "reason": "核实身份 (测试)"}
                if r["action"] == "response.record" and r["method"] == "POST":
                    # "correct" leaves the state as it is
                    body = {"subject": sid, "type": "correct", "via": "phone"}
                # Routes this walk gives a valid request answer 200 when allowed; the others
                # (case-work POSTs, paths with an id) may refuse the empty input with 400, 404
                # or 409, but never with 401, 403 or a 5xx.
                known_input = (r["path"].startswith("/api/v1/subjects") or
                               r["path"] in ("/api/v1/responses", "/api/v1/session") or
                               (r["method"] == "GET" and "{" not in r["path"]))
                rule = rules.get((role, r["action"]))
                allowed = rule is not None and (not rule["purposes"] or
                                                purpose in rule["purposes"])
                resp, doc = self.request(r["method"], path, body=body, token=token,
                                         csrf=csrf if r["state_change"] else None)
                where = f"{role} {r['method']} {r['path']}: {doc}"
                if not allowed:
                    self.assertEqual(resp.status, 403, where)
                elif known_input:
                    self.assertEqual(resp.status, 200, where)
                else:
                    self.assertNotIn(resp.status, (401, 403), where)
                    self.assertLess(resp.status, 500, where)
                if resp.status == 200 and r["action"] in ("subject.search", "subject.read"):
                    self.assertNotIn(MOBILE, json.dumps(doc, ensure_ascii=False))
            type(self).sessions.pop(user, None)  # logged out by the DELETE
            resp, _ = self.request("GET", "/api/v1/me", token=token)
            self.assertEqual(resp.status, 401)

    def test_z_access_log_has_routes_not_personal_data(self):
        sid = self.subject_id()
        token, _ = self.session("operator1")
        self.request("GET", f"/api/v1/subjects/{sid}?purpose=customer_service", token=token)
        time.sleep(0.2)
        with open(self.access_log, encoding="utf-8") as f:
            text = f.read()
        lines = [json.loads(l) for l in text.splitlines()]
        self.assertGreater(len(lines), 20)
        for entry in lines:
            self.assertEqual(set(entry), {"time", "method", "route", "status", "user",
                                          "duration_ms", "bytes"})
        routes = {e["route"] for e in lines}
        self.assertIn("/api/v1/subjects/{id}", routes)
        self.assertIn("/api/v1/subjects", routes)
        self.assertTrue(any(e["status"] == 413 for e in lines))
        self.assertTrue(any(e["user"] == "operator1" for e in lines))
        self.assertNotIn(sid, text)
        self.assertNotIn("?", text)
        for secret in fx.SECRETS + [MOBILE, PASSWORD, self.users["dpo1"]["totp_secret"]]:
            self.assertNotIn(secret, text)


if __name__ == "__main__":
    unittest.main()
