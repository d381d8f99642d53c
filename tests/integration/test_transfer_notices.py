"""End to end: transfer setup, recipients, allocation, notices (file outbox and a real SMTP
server), the compliance gate with a jump past the objection window, and responses.

All customers are synthetic. The SMTP test needs the sink of tests/integration/smtp_sink.py
(env JV_TEST_SMTP_PORT and JV_TEST_MAIL_DIR); it is skipped when they are not set.
"""
import csv
import email
import email.policy
import glob
import http.server
import json
import os
import secrets
import socket
import stat
import subprocess
import threading
import unittest

from jvtest import VaultTestCase

USCC = "91350100M000100Y43"  # GB 32100-2015 check character valid (classify/uscc_test.cc)


class TransferNoticesTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.init()
        self.token = secrets.token_hex(4)
        rows = [
            "姓名,手机,邮箱,地址,门店",
            "张三,13812340001,,北京市朝阳区建国路1号,朝阳店",
            "李四,13812340002,,上海市浦东新区世纪大道2号,浦东店",
            f"王五,,wangwu.{self.token}@example.com,,朝阳店",
            "赵六,,,广州市天河区体育西路3号,天河店",
            "钱七,,,,天河店",
        ]
        path = os.path.join(self.tmp, "customers.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
        rep = self.jv_ok("import", path, "--json").json()
        self.assertEqual(rep["subjects_created"], 5)

    def subject_id(self, mobile):
        r = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()
        self.assertEqual(len(r["subjects"]), 1)
        return r["subjects"][0]["id"]

    def age_recipient(self):
        out = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
        for line in out.stdout.splitlines() + out.stderr.splitlines():
            if "age1" in line:
                return line[line.index("age1"):].split()[0]
        self.fail("age-keygen printed no recipient")

    def add_recipient(self, **over):
        args = {"--name": "接收珠宝有限公司", "--uscc": USCC, "--contact-name": "王经理",
                "--contact-phone": "010-12345678", "--address": "北京市东城区某路9号",
                "--region": "CN", "--age-recipient": self.age_recipient()}
        args.update(over)
        flat = [x for kv in args.items() for x in kv]
        return self.jv("recipients", "add", *flat, "--json")

    def prepare(self, reason="merger"):
        self.jv_ok("transfer", "setup", "--reason", reason, "--objection-days", "30", "--json")
        r = self.add_recipient()
        self.assertEqual(r.code, 0, r.stderr)
        rid = r.json()["id"]
        alloc = self.jv_ok("allocate", "--recipient", rid, "--all", "--json").json()
        self.assertEqual(alloc["allocated"], 5)
        return rid

    def test_recipient_validation(self):
        bad = self.add_recipient(**{"--uscc": "91350100M000100Y44"})
        self.assertEqual(bad.code, 4)
        self.assertIn(b"--uscc", bad.stderr)
        bad = self.add_recipient(**{"--age-recipient": "age1nope"})
        self.assertEqual(bad.code, 4)
        self.assertIn(b"--age-recipient", bad.stderr)
        self.assertEqual(self.add_recipient().code, 0)
        self.assertEqual(len(self.jv_ok("recipients", "list", "--json").json()["recipients"]), 1)

    def test_template_check_refuses_missing_element(self):
        path = os.path.join(self.tmp, "t.txt")
        with open(os.path.join(self.tmp, "t.txt"), "w", encoding="utf-8") as f:
            f.write("{{transferor}} {{recipient_name}} {{reason}} {{categories}} "
                    "{{unchanged_purpose}} {{how_to_object}} {{deadline}} {{portal_code}}\n")
        r = self.jv("notices", "template", "check", path, "--json")
        self.assertEqual(r.code, 4)
        self.assertIn(b"recipient_contact", r.stderr)
        good = os.path.join(os.path.dirname(__file__), "..", "..", "data", "templates",
                            "notice_transfer.zh-CN.txt")
        self.jv_ok("notices", "template", "check", good, "--json")

    def test_file_outbox_gate_and_responses(self):
        self.prepare()
        plan = self.jv_ok("notices", "plan", "--json").json()
        self.assertEqual((plan["sms"], plan["email"], plan["letter"], plan["announcement"]),
                         (2, 1, 1, 1))
        self.assertGreaterEqual(plan["sms_segments"], 2 * 2)

        check = self.jv("check", "--json")
        self.assertEqual(check.code, 1)
        rules = {r["id"]: r for r in check.json()["rules"]}
        self.assertEqual(rules["PIPL-22-NOTICE"]["status"], "fail")
        self.assertEqual(rules["RECIPIENT-KEY"]["status"], "pass")

        s1 = self.subject_id("13812340001")
        text = self.jv_ok("notices", "render", "--subject", s1, "--json").json()["text"]
        self.assertIn("接收珠宝有限公司", text)
        self.assertIn("010-12345678", text)

        out = os.path.join(self.tmp, "outbox")
        sent = self.jv_ok("notices", "send", "--channel", "file", "--out", out, "--json").json()
        self.assertEqual(sent["sent"], 3)  # 2 SMS + 1 letter
        lines = []
        for p in sorted(glob.glob(os.path.join(out, "sms-*.csv"))):
            self.assertEqual(stat.S_IMODE(os.stat(p).st_mode), 0o600)
            with open(p, encoding="utf-8", newline="") as f:
                rows = list(csv.reader(f))
            self.assertEqual(rows[0], ["mobile", "text", "notice_id"])
            lines += rows[1:]
        self.assertEqual(sorted(r[0] for r in lines), ["13812340001", "13812340002"])
        # The notice text never reaches the audit log.
        self.jv_ok("audit", "export", "--out", os.path.join(self.tmp, "audit.jsonl"), "--json")
        with open(os.path.join(self.tmp, "audit.jsonl"), "rb") as f:
            audit = f.read()
        self.assertNotIn("13812340001".encode(), audit)
        self.assertNotIn("张三".encode(), audit)

        # Email and the announcement list still missing: blocked.
        self.assertEqual(self.jv("check", "--json").code, 1)
        # The announcement list covers the unreachable customer, names masked.
        ann = self.jv_ok("notices", "announcement", "--out", os.path.join(self.tmp, "a.txt"),
                         "--json").json()
        self.assertEqual(ann["listed"], 1)
        with open(os.path.join(self.tmp, "a.txt"), encoding="utf-8") as f:
            self.assertNotIn("钱七", f.read())

        # Objection and deletion.
        s2 = self.subject_id("13812340002")
        r = self.jv_ok("responses", "record", "--subject", s2, "--type", "object", "--via",
                       "phone", "--json").json()
        self.assertEqual(r["state"], "objected")
        r = self.jv_ok("responses", "record", "--subject", s1, "--type", "delete", "--via",
                       "letter", "--json").json()
        self.assertEqual(r["state"], "shredded")
        found = self.jv_ok("subjects", "find", "--mobile", "13812340001", "--json").json()
        self.assertEqual(found["subjects"], [])

    def test_webhook_posts_one_json_per_sms(self):
        """The SMS gateway channel: one JSON POST per SMS notice to a real local HTTP server;
        a 2xx marks the notice sent, a 4xx rejection marks only that one failed, and an
        unreachable gateway stops the send with nothing marked."""
        self.prepare()
        self.jv_ok("notices", "plan", "--json")
        posts = []

        class Gateway(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                doc = json.loads(body)
                posts.append((self.path, self.headers["Content-Type"], doc))
                self.send_response(422 if doc["to"] == "13812340002" else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        closed = socket.socket()
        closed.bind(("127.0.0.1", 0))
        dead_url = "http://127.0.0.1:%d/sms" % closed.getsockname()[1]
        closed.close()  # nothing listens there now
        r = self.jv("notices", "send", "--channel", "webhook", "--url", dead_url, "--json")
        self.assertNotEqual(r.code, 0)
        self.assertNotIn(b"13812340001", r.stdout + r.stderr)

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            url = "http://127.0.0.1:%d/sms" % server.server_address[1]
            r = self.jv_ok("notices", "send", "--channel", "webhook", "--url", url,
                           "--json").json()
        finally:
            server.shutdown()
            server.server_close()
        self.assertEqual((r["sent"], r["failed"]), (1, 1))
        self.assertEqual(sorted(p[2]["to"] for p in posts), ["13812340001", "13812340002"])
        for path, ctype, doc in posts:
            self.assertEqual(path, "/sms")
            self.assertTrue(ctype.startswith("application/json"))
            self.assertEqual(set(doc), {"notice_id", "to", "text", "segments"})
            self.assertIn("接收珠宝有限公司", doc["text"])
            self.assertGreaterEqual(doc["segments"], 2)
        # The gateway's answer is never written with a number or a text.
        self.jv_ok("audit", "export", "--out", os.path.join(self.tmp, "audit.jsonl"), "--json")
        with open(os.path.join(self.tmp, "audit.jsonl"), "rb") as f:
            audit = f.read()
        self.assertNotIn(b"13812340001", audit)

    def test_smtp_and_objection_window(self):
        port = os.environ.get("JV_TEST_SMTP_PORT")
        mail_dir = os.environ.get("JV_TEST_MAIL_DIR")
        if not port or not mail_dir:
            if os.environ.get("JV_REQUIRE_SMTP") == "1":
                self.fail("JV_REQUIRE_SMTP=1 but JV_TEST_SMTP_PORT / JV_TEST_MAIL_DIR are not set "
                          "(scripts/test-services.sh did not start the SMTP sink)")
            self.skipTest("JV_TEST_SMTP_PORT / JV_TEST_MAIL_DIR not set: start "
                          "tests/integration/smtp_sink.py 127.0.0.1 PORT DIR to run this test")
        self.prepare()
        self.jv_ok("notices", "plan", "--json")
        out = os.path.join(self.tmp, "outbox")
        self.jv_ok("notices", "send", "--channel", "file", "--out", out, "--json")
        r = self.jv_ok("notices", "send", "--channel", "smtp", "--smtp-url",
                       f"smtp://127.0.0.1:{port}", "--from", "notices@example.com",
                       "--json").json()
        self.assertEqual(r["sent"], 1)
        mine = []
        for p in glob.glob(os.path.join(mail_dir, "*.eml")):
            with open(p, "rb") as f:
                msg = email.message_from_binary_file(f, policy=email.policy.default)
            if self.token in str(msg["To"]):
                mine.append(msg)
        self.assertEqual(len(mine), 1)
        self.assertIn("个人信息", str(mine[0]["Subject"]))
        body = mine[0].get_content()
        self.assertIn("接收珠宝有限公司", body)
        self.assertIn("王五", body)
        self.jv_ok("notices", "announcement", "--out", os.path.join(self.tmp, "a.txt"), "--json")

        # Everyone notified, but the 30-day window is still open.
        check = self.jv("check", "--json")
        self.assertEqual(check.code, 1)
        rules = {x["id"]: x for x in check.json()["rules"]}
        self.assertEqual(rules["PIPL-22-NOTICE"]["status"], "pass")
        self.assertEqual(rules["OBJECTION-WINDOW"]["status"], "fail")
        env = dict(self.env)
        env["JADEVAULT_FAKE_NOW"] = "2099-01-01T00:00:00Z"
        # The impact assessment (PIPL 55) is the last blocking rule left.
        self.assertEqual(self.jv("check", "--json", env=env).code, 1)
        answers = os.path.join(self.tmp, "pipia.json")
        with open(answers, "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        self.jv_ok("assess", "--answers", answers, "--json")
        later = self.jv("check", "--json", env=env)
        self.assertEqual(later.code, 0, later.stdout)
        self.assertTrue(later.json()["ok"])


if __name__ == "__main__":
    unittest.main()
