"""The staff UI's API over real HTTPS (issue 6 items 3 and 6; docs/design/ui.md).

One vault and one `serve` for the class. An operator gets 403 on import and reveal; a DPO
uploads a synthetic customer file, which imports as a background job whose report equals
the CLI's `import --json` report of the same file in a fresh vault; other calls keep
answering while the job runs; the notice campaign runs end to end through the API (preview
with the element check, plan, send through the file channel as a job, receipts); the body
limits hold (64 KiB for JSON, larger for the upload only).
"""
import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse

import import_fixtures as fx
import staff_server

IMPORT_ROWS = 30000  # long enough that the job is seen running


def comparable(report):
    r = dict(report)
    for k in ("seconds", "source", "ok"):
        r.pop(k, None)
    return r


class StaffApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="jv-it-staff-")
        cls.s = staff_server.StaffServer(cls.tmp)
        cls.recipient = cls.s.setup_transfer()
        cls.csv = os.path.join(cls.tmp, "customers.csv")
        with open(cls.csv, "wb") as f:
            f.write(b"\xef\xbb\xbf" + fx.csv_text(fx.generated_rows(IMPORT_ROWS)).encode())
        cls.dpo = cls.s.login("dpo1")
        cls.op = cls.s.login("operator1")

    @classmethod
    def tearDownClass(cls):
        cls.s.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def upload(self, sess, data, filename="customers.csv", ctype="application/octet-stream",
               **query):
        q = urllib.parse.urlencode(dict(kind="customers", filename=filename, **query))
        return sess.call("POST", "/api/v1/imports?" + q, raw=data, content_type=ctype)

    def test_1_operator_cannot_import_or_reveal(self):
        status, doc = self.upload(self.op, b"a,b\r\n1,2\r\n")
        self.assertEqual(status, 403, doc)
        status, doc = self.op.call("POST", "/api/v1/subjects/s_abc/reveal",
                                   {"field": "mobile", "purpose": "customer_service",
                                    "reason": "客户来电核实"})
        self.assertEqual(status, 403, doc)
        # Nor any campaign or user route.
        for method, path in (("POST", "/api/v1/notices/plan"), ("GET", "/api/v1/users"),
                             ("GET", "/api/v1/audit/export")):
            status, _ = self.op.call(method, path, {} if method == "POST" else None)
            self.assertEqual(status, 403, path)

    def test_2_upload_import_equals_cli_and_api_stays_responsive(self):
        with open(self.csv, "rb") as f:
            data = f.read()
        # The wrong content type is refused; the upload may exceed the 64 KiB JSON limit.
        status, _ = self.upload(self.dpo, data, ctype="application/json")
        self.assertEqual(status, 415)
        self.assertGreater(len(data), 64 * 1024)
        status, doc = self.upload(self.dpo, data, import_date=fx.IMPORT_DATE)
        self.assertEqual(status, 200, doc)
        job = doc["job"]
        # While it runs, another user's calls answer (the job holds its own vault).
        seen_running, latencies, errors, on_disk = [], [], [], []
        stop = threading.Event()
        # A whole line of the upload: no file under the vault directory may hold it while
        # the import runs (the upload is read from memory) or after.
        line = data.split(b"\r\n")[1]
        self.assertGreater(len(line), 40)

        def files_holding(needle):
            found = []
            for root, _, files in os.walk(self.s.vault):
                for name in files:
                    try:
                        with open(os.path.join(root, name), "rb") as f:
                            if needle in f.read():
                                found.append(os.path.relpath(os.path.join(root, name),
                                                             self.s.vault))
                    except OSError:
                        pass  # removed meanwhile (a journal)
            return found

        def poll_other():
            while not stop.is_set():
                t0 = time.monotonic()
                st, d = self.op.call("GET", "/api/v1/subjects?mobile=13800138000")
                latencies.append(time.monotonic() - t0)
                if st != 200:
                    errors.append((st, d))
                st2, d2 = self.dpo.call("GET", "/api/v1/jobs/" + job)
                if st2 == 200 and d2["state"] == "running" and d2["progress"]["done"] > 0:
                    if not seen_running:
                        on_disk.extend(files_holding(line))
                    seen_running.append(d2["progress"])
                time.sleep(0.05)

        t = threading.Thread(target=poll_other)
        t.start()
        try:
            end = self.s.wait_job(self.dpo, job)
        finally:
            stop.set()
            t.join()
        self.assertEqual(end["state"], "done", end)
        self.assertEqual(errors, [])
        self.assertTrue(seen_running, "never saw the job running with progress")
        self.assertEqual(on_disk, [], "the upload is on disk under the vault while it imports")
        self.assertEqual(seen_running[-1]["total"], IMPORT_ROWS)
        print(f"\n  import of {IMPORT_ROWS} rows via upload: {end['result']['seconds']:.2f} s; "
              f"{len(latencies)} searches meanwhile, slowest {max(latencies) * 1000:.0f} ms",
              flush=True)
        self.assertLess(max(latencies), 30)
        api_report = end["result"]
        self.assertEqual(api_report["source"], "customers.csv")
        self.assertEqual(api_report["rows_read"], IMPORT_ROWS)
        self.assertGreater(len(api_report["rejected"]), 0)
        for r in api_report["rejected"]:
            self.assertIsInstance(r["row"], int)
            self.assertTrue(r["reason"])
        # The CLI's report of the same file into a fresh vault is the same.
        other = os.path.join(self.tmp, "other")
        self.s.cli("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14", "--json",
                   vault=other)
        cli_report = self.s.cli("import", self.csv, "--import-date", fx.IMPORT_DATE, "--json",
                                vault=other)
        self.assertEqual(comparable(api_report), comparable(cli_report))
        # The vault holds them (the CLI sees the import) and the audit names the web user.
        status, d = self.dpo.call("GET", "/api/v1/status")
        self.assertEqual(d["subjects"]["total"], api_report["subjects_created"])
        # The upload did not reach the disk.
        self.assertFalse(os.path.exists(os.path.join(self.s.vault, "uploads")))
        self.assertEqual(files_holding(line), [])
        # The same file again: the job fails with 409 (already imported), like the CLI.
        status, doc = self.upload(self.dpo, data, import_date=fx.IMPORT_DATE)
        again = self.s.wait_job(self.dpo, doc["job"])
        self.assertEqual(again["state"], "failed")
        self.assertEqual(again["error"]["http_status"], 409)
        self.assertIn("customers.csv: this file was already imported", again["error"]["message"])
        self.assertNotIn("/proc/", again["error"]["message"])
        # Jobs are private to their starter.
        status, _ = self.op.call("GET", "/api/v1/jobs/" + job)
        self.assertEqual(status, 404)

    def test_3_campaign_through_the_api(self):
        self.s.cli("allocate", "--recipient", self.recipient, "--all", "--json")
        status, t = self.dpo.call("GET", "/api/v1/notices/template")
        self.assertEqual(status, 200, t)
        text = t["text"]
        status, p = self.dpo.call("POST", "/api/v1/notices/preview",
                                  {"text": text.replace("{{portal_code}}", "")})
        self.assertEqual(status, 200, p)
        self.assertFalse(p["ok"])
        self.assertIn("portal_code", p["message"])
        missing = [e["name"] for e in p["elements"] if not e["present"]]
        self.assertEqual(missing, ["portal_code"])
        status, p = self.dpo.call("POST", "/api/v1/notices/preview", {"text": text})
        self.assertTrue(p["ok"])
        self.assertIn("接收珠宝有限公司", p["text"])  # the recipient of this case
        status, plan = self.dpo.call("POST", "/api/v1/notices/plan", {"template": text})
        self.assertEqual(status, 200, plan)
        planned = plan["sms"] + plan["email"] + plan["letter"] + plan["announcement"]
        self.assertGreater(planned, 0)
        status, doc = self.dpo.call("POST", "/api/v1/notices/send", {"channel": "file"})
        self.assertEqual(status, 200, doc)
        sent = self.s.wait_job(self.dpo, doc["job"])
        self.assertEqual(sent["state"], "done", sent)
        self.assertEqual(sent["result"]["sent"], plan["sms"] + plan["letter"])
        outbox = os.path.join(self.s.vault, "outbox")
        sms = sorted(f for f in os.listdir(outbox) if f.startswith("sms-"))
        self.assertTrue(sms)
        with open(os.path.join(outbox, sms[0]), encoding="utf-8") as f:
            ids = [line.rstrip("\r\n").rsplit(",", 1)[1] for line in f if line.strip()]
        ids = [i for i in ids if i.startswith("n_")][:3]
        self.assertEqual(len(ids), 3)
        csv = "notice_id,status\n" + "".join(f"{i},delivered\n" for i in ids)
        status, rc = self.dpo.call("POST", "/api/v1/notices/receipts", {"csv": csv})
        self.assertEqual(status, 200, rc)
        self.assertEqual(rc["delivered"], 3)
        status, counts = self.dpo.call("GET", "/api/v1/notices")
        self.assertEqual(counts["by_status"].get("delivered"), 3)
        # The dashboard's timeline shows the campaign's steps.
        status, d = self.op.call("GET", "/api/v1/dashboard")
        actions = [s["action"] for s in d["timeline"]]
        for a in ("import", "notices.plan", "notices.send"):
            self.assertIn(a, actions)

    def test_4_body_limits(self):
        big = {"name": "x" * (70 * 1024), "role": "operator", "password": "p" * 12}
        admin = self.s.login("admin1")
        status, doc = admin.call("POST", "/api/v1/users", big)
        self.assertEqual(status, 413, doc)
        status, doc = admin.call("POST", "/api/v1/users",
                                 {"name": "clerk9", "role": "operator",
                                  "password": staff_server.PASSWORD, "totp": True})
        self.assertEqual(status, 200, doc)
        self.assertRegex(doc["totp_secret"], r"^[A-Z2-7]{32}$")

    def test_5_xlsx_upload_and_legacy_xls(self):
        """An XLSX upload is read from memory as XLSX (by its name) and counts as the CLI's
        import of the same file; a legacy .xls name is refused before anything runs."""
        path = os.path.join(self.tmp, "客户.xlsx")
        fx.xlsx_shared_strings(path)
        with open(path, "rb") as f:
            data = f.read()
        status, doc = self.upload(self.dpo, data, filename="客户.xlsx")
        self.assertEqual(status, 200, doc)
        end = self.s.wait_job(self.dpo, doc["job"])
        self.assertEqual(end["state"], "done", end)
        other = os.path.join(self.tmp, "other-xlsx")
        self.s.cli("init", "--company", "某某珠宝有限公司", "--scrypt-log-n", "14", "--json",
                   vault=other)
        cli = self.s.cli("import", path, "--json", vault=other)
        api = end["result"]
        self.assertEqual(api["source"], "客户.xlsx")
        self.assertEqual(api["format"], "xlsx")
        for k in ("rows_read", "rows_rejected", "rows_imported", "fields", "id_number",
                  "free_text_pii", "rejected"):
            self.assertEqual(api[k], cli[k], k)
        status, doc = self.upload(self.dpo, data, filename="old.xls")
        self.assertEqual(status, 400, doc)
        self.assertIn(".xls", doc["error"]["message"])
        self.assertFalse(os.path.exists(os.path.join(self.s.vault, "uploads")))


if __name__ == "__main__":
    unittest.main()
