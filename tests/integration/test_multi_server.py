"""Two `jadevault serve` processes on one PostgreSQL vault take concurrent writes (issue 7,
SPEC §12; docs/scale.md "Several servers").

One PostgreSQL vault with imported synthetic customers (datagen) and four staff users; two
`serve` processes on it (different ports, the vault's own certificate). From threads, all at
once: logins on both servers, response records (POST /api/v1/responses) split across both
servers on different subjects, reveals by a DPO on both servers, and one CLI `jadevault
import` of another file. Afterwards:
  * `audit verify` passes and the audit log is one dense chain;
  * every response is recorded: its object is in the store and the subject's state, as
    `subjects show --json` reports it, is the one the API answered;
  * every login and every reveal has its own audit entry (actor, subject, details);
  * the concurrent import's report equals a solo import of the same file into a vault in the
    same starting state (ids and times aside).
Prints requests/s of the response phase (docs/scale.md quotes it).

Needs JV_TEST_PG_URL (scripts/test-services.sh); skips without it, fails if JV_REQUIRE_PG=1
(the convention of test_postgres.py). The DPO here has no TOTP so that logins on two servers
at once need no two codes of one step (TOTP itself: test_server.py). All data is synthetic.
"""
import http.client
import json
import os
import ssl
import subprocess
import threading
import time
import unittest

from jvtest import JADEVAULT, psql
from test_postgres import IMPORT_DATE, PostgresTestCase, normalize

PASSWORD = "synthetic password for tests 测试"
RESPONSES = 40       # response records, split across both servers
REVEALS = 6          # per server
LOGINS = 4           # extra logins per server (besides each worker's own)
STAFF = {"operator1": "operator", "operator2": "operator", "liquidator1": "liquidator",
         "dpo1": "dpo"}


class Client:
    """One HTTPS client of one server, logged in as one user."""

    def __init__(self, port, ctx):
        self.port = port
        self.ctx = ctx
        self.token = None
        self.csrf = None

    def request(self, method, path, body=None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                           timeout=120)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Cookie"] = "__Host-jv_session=" + self.token
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        conn.request(method, path, body=None if body is None else json.dumps(body).encode(),
                     headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        conn.close()
        return resp.status, (json.loads(payload) if payload else None), resp

    def login(self, user):
        status, doc, resp = self.request("POST", "/api/v1/session",
                                         {"user": user, "password": PASSWORD})
        if status != 200:
            raise AssertionError(f"login of {user} on :{self.port}: {status} {doc}")
        self.token = resp.getheader("Set-Cookie").split(";")[0].split("=", 1)[1]
        self.csrf = doc["csrf"]
        return doc


class TwoServersOnOneDatabaseTest(PostgresTestCase):
    def start_server(self, name):
        proc = subprocess.Popen(
            [JADEVAULT, "--vault", self.vault, "serve", "--listen", "127.0.0.1:0",
             "--access-log", os.path.join(self.tmp, f"access-{name}.log"), "--json"],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.addCleanup(self.stop_server, proc)
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"serve {name} did not start: {proc.stderr.read().decode()}")
        return json.loads(line)["port"]

    @staticmethod
    def stop_server(proc):
        proc.terminate()
        try:
            proc.wait(timeout=30)
        finally:
            proc.stdout.close()
            proc.stderr.close()

    def audit_entries(self):
        return [json.loads(l) for l in
                psql(self.pg.url, "SELECT line FROM audit ORDER BY seq").splitlines() if l]

    def test_two_servers_and_an_import_at_once_lose_nothing(self):
        base = self.generate("base.csv", 300, seed=51)
        extra = self.generate("extra.csv", 1500, seed=52)
        self.init_pg()
        self.imp(base)
        # The solo run to compare with: the same starting state, then the same file alone.
        solo_vault = os.path.join(self.tmp, "solo")
        self.init(vault=solo_vault)
        self.imp(base, vault=solo_vault)
        solo = self.imp(extra, vault=solo_vault)

        pw = os.path.join(self.tmp, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        for name, role in STAFF.items():
            self.jv_ok("users", "add", name, "--role", role, "--password-file", pw,
                       "--scrypt-log-n", "12", "--json")
        ids = psql(self.pg.url, "SELECT id FROM subjects WHERE state = 'active' "
                                f"ORDER BY id LIMIT {RESPONSES + 2 * REVEALS}").split()
        self.assertEqual(len(ids), RESPONSES + 2 * REVEALS)
        resp_subjects, reveal_subjects = ids[:RESPONSES], ids[RESPONSES:]

        ports = [self.start_server("a")]
        ports.append(self.start_server("b"))  # after a: a made the vault's certificate
        self.assertNotEqual(ports[0], ports[1])
        ctx = ssl.create_default_context(cafile=os.path.join(self.vault, "tls", "server.crt"))

        # Work: responses split over three writers per server, reveals by the DPO on both.
        writers = [("operator1", 0), ("liquidator1", 0), ("dpo1", 0),
                   ("operator2", 1), ("liquidator1", 1), ("dpo1", 1)]
        shares = {i: [] for i in range(len(writers))}
        for n, s in enumerate(resp_subjects):
            kind = ("object", "consent", "correct")[n % 3]
            shares[n % len(writers)].append((s, kind, ("phone", "letter", "portal")[n % 3]))
        results, errors, logins = {}, [], []
        lock = threading.Lock()

        def respond(i):
            user, server = writers[i]
            c = Client(ports[server], ctx)
            c.login(user)
            with lock:
                logins.append(user)
            for s, kind, via in shares[i]:
                status, doc, _ = c.request("POST", "/api/v1/responses",
                                           {"subject": s, "type": kind, "via": via})
                with lock:
                    if status != 200:
                        errors.append(f"response on :{ports[server]}: {status} {doc}")
                    else:
                        results[s] = (kind, doc, server)

        reveals = []

        def reveal(server):
            c = Client(ports[server], ctx)
            c.login("dpo1")
            with lock:
                logins.append("dpo1")
            for s in reveal_subjects[server * REVEALS:(server + 1) * REVEALS]:
                status, doc, _ = c.request(
                    "POST", f"/api/v1/subjects/{s}/reveal",
                    {"field": "mobile", "purpose": "rights_request",
                     "reason": "客户申请查阅 (synthetic test)"})
                with lock:
                    if status != 200:
                        errors.append(f"reveal on :{ports[server]}: {status} {doc}")
                    else:
                        reveals.append(s)

        def login_only(server):
            for _ in range(LOGINS):
                Client(ports[server], ctx).login("operator2")
                with lock:
                    logins.append("operator2")

        imported = {}

        def cli_import():
            r = self.jv("import", extra, "--import-date", IMPORT_DATE, "--json")
            with lock:
                if r.code != 0:
                    errors.append(f"import: {r.stderr.decode(errors='replace')}")
                else:
                    imported["report"] = r.json()

        audit_before = len(self.audit_entries())
        threads = [threading.Thread(target=respond, args=(i,)) for i in range(len(writers))]
        threads += [threading.Thread(target=reveal, args=(s,)) for s in (0, 1)]
        threads += [threading.Thread(target=login_only, args=(s,)) for s in (0, 1)]
        threads.append(threading.Thread(target=cli_import))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        elapsed = time.monotonic() - started
        self.assertFalse(any(t.is_alive() for t in threads), "a worker did not finish")
        self.assertEqual(errors, [])
        print(f"\ntwo servers + one import: {RESPONSES} responses, {2 * REVEALS} reveals, "
              f"{len(logins)} logins in {elapsed:.1f} s "
              f"({(RESPONSES + 2 * REVEALS + len(logins)) / elapsed:.1f} requests/s)")

        # One chain, verified by the CLI.
        doc = self.jv_ok("audit", "verify", "--json").json()
        self.assertTrue(doc["ok"])
        entries = self.audit_entries()
        self.assertEqual([e["seq"] for e in entries], list(range(1, len(entries) + 1)))
        self.assertGreaterEqual(len(entries),
                                audit_before + RESPONSES + 2 * REVEALS + len(logins) + 1)

        # Every response: its object, its audit entry, the subject's state as the CLI shows it.
        self.assertEqual(sorted(results), sorted(resp_subjects))
        recorded = {e["details"]["response"]: e for e in entries
                    if e["action"] == "response.record"}
        for s, (kind, doc, server) in results.items():
            self.assertEqual(doc["type"], kind)
            row = psql(self.pg.url, "SELECT subject_id, status FROM objects WHERE kind = "
                                    f"'response' AND id = '{doc['response']}'").strip()
            self.assertEqual(row, f"{s}|recorded")
            self.assertIn(doc["response"], recorded)
            self.assertEqual(recorded[doc["response"]]["subject"], s)
            self.assertTrue(recorded[doc["response"]]["actor"].startswith("user:"))
            want = {"object": "objected", "consent": "consented", "correct": "active"}[kind]
            self.assertEqual(doc["state"], want)
            shown = self.jv_ok("subjects", "show", s, "--json").json()
            self.assertEqual(shown["state"], want, s)
        self.assertEqual(len(recorded), RESPONSES)

        # Every reveal and every login has its own entry.
        revealed = sorted(e["subject"] for e in entries
                          if e["action"] == "subject.reveal" and e["actor"] == "user:dpo1")
        self.assertEqual(revealed, sorted(reveals))
        self.assertEqual(len(reveals), 2 * REVEALS)
        login_actors = sorted(e["actor"] for e in entries[audit_before:]
                              if e["action"] == "session.login")
        self.assertEqual(login_actors, sorted("user:" + u for u in logins))

        # The import that ran alongside lost nothing: the same report as alone.
        self.assertEqual(normalize(imported["report"]), normalize(solo))
        self.assertGreater(imported["report"]["rows_imported"], 1000)
        imports = [e for e in entries[audit_before:] if e["action"] == "import"]
        self.assertEqual(len(imports), 1)


if __name__ == "__main__":
    unittest.main()
