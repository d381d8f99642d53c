"""End to end: the customer portal over real HTTPS (issue 6 item 5; SPEC §8, §11;
docs/design/portal.md).

A vault with five synthetic customers and a transfer under way (portal_env.py), `jadevault
serve --portal-channel file --portal-out DIR`: the code for an imported mobile arrives in the
outbox, opens the customer's own masked data and notice, an objection made there shows on
`subjects show` and keeps the customer out of the next package; an unknown number gets a
byte-identical answer; the sixth attempt after five wrong codes gets 429 (the right code
too); codes work once and expire after 10 minutes (JADEVAULT_FAKE_NOW across restarts: the
state is in the Store); state changes need the CSRF token; the portal cookie does not open
/api/v1. Needs `age` and `age-keygen` for the transfer's recipient key and the package.
"""
import datetime
import json
import os
import shutil
import subprocess
import tarfile
import io
import unittest

import portal_env as pe
from jvtest import VaultTestCase


def have_tools():
    return all(shutil.which(t) for t in ("age", "age-keygen"))


@unittest.skipUnless(have_tools(), "needs the age and age-keygen tools")
class PortalTest(VaultTestCase):
    def setUp(self):
        super().setUp()
        self.rid, self.age_key = pe.setup_transfer(self)
        self.outbox = os.path.join(self.tmp, "portal-outbox")
        self.server = None

    def tearDown(self):
        if self.server is not None:
            self.server.stop()
        super().tearDown()

    def start(self, **kw):
        if self.server is not None:
            self.server.stop()
        self.server = pe.Server(self.vault, self.env, self.outbox, **kw)
        return self.server

    def subject_of(self, mobile):
        found = self.jv_ok("subjects", "find", "--mobile", mobile, "--json").json()["subjects"]
        self.assertEqual(len(found), 1)
        return found[0]["id"]

    def test_code_opens_masked_data_and_objection_excludes_from_package(self):
        s = self.start()
        name, mobile, idn = pe.CUSTOMERS[1]
        # Any spelling the importer accepts reaches the same customer.
        token, csrf, cookie = s.sign_in(mobile, spelling="+86 138-0000-0002")
        for attr in ("__Host-jv_portal=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
            self.assertIn(attr, cookie)
        status, _, body, me = s.request("GET", "/portal/api/me", cookie=token)
        self.assertEqual(status, 200, body)
        self.assertEqual(me["masked"]["mobile"], "138****0002")
        self.assertEqual(me["state"], "notified")
        for n, m, i in pe.CUSTOMERS:  # counted, never printed
            leaked = sum(1 for x in (n, m, i) if x.encode() in body)
            self.assertEqual(leaked, 0, "the portal answer shows clear values")
        self.assertEqual(me["notice"]["kind"], "transfer")
        self.assertIn("受让方珠宝有限公司", me["notice"]["text"])
        self.assertIn(name[0] + "*", me["notice"]["text"])  # the masked name
        self.assertFalse(me["objection"]["objected"])

        # The portal cookie is for the portal only: the staff API does not know it.
        for path in ("/api/v1/me", "/api/v1/status"):
            st, _, _, _ = s.request("GET", path, cookie=token, cookie_name="__Host-jv_session")
            self.assertEqual(st, 401, path)
            st, _, _, _ = s.request("GET", path, cookie=token)
            self.assertEqual(st, 401, path)

        # State changes need the CSRF token.
        st, _, _, doc = s.request("POST", "/portal/api/objection", {}, cookie=token)
        self.assertEqual(st, 403, doc)
        st, _, _, doc = s.request("POST", "/portal/api/objection", {}, cookie=token, csrf="0" * 64)
        self.assertEqual(st, 403, doc)
        st, _, _, doc = s.request("POST", "/portal/api/objection", {}, cookie=token, csrf=csrf)
        self.assertEqual(st, 200, doc)
        self.assertEqual(doc["state"], "objected")

        st, _, _, req = s.request("POST", "/portal/api/requests", {"type": "copy"}, cookie=token,
                                  csrf=csrf)
        self.assertEqual(st, 200, req)
        self.assertTrue(req["id"].startswith("req_"))
        st, _, _, me = s.request("GET", "/portal/api/me", cookie=token)
        self.assertTrue(me["objection"]["objected"])
        self.assertEqual([r["id"] for r in me["requests"]], [req["id"]])
        self.assertEqual(me["requests"][0]["due"], req["due"])

        # The CLI sees what the portal did.
        sid = self.subject_of(mobile)
        shown = self.jv_ok("subjects", "show", sid, "--json").json()
        self.assertEqual(shown["state"], "objected")
        listed = self.jv_ok("requests", "list", "--json").json()
        rows = listed["requests"] if isinstance(listed, dict) else listed
        mine = [r for r in rows if r["id"] == req["id"]]
        self.assertEqual(len(mine), 1)
        self.assertEqual((mine[0]["via"], mine[0]["type"], mine[0]["subject"]),
                         ("portal", "copy", sid))

        # The next package leaves the objector out.
        with open(os.path.join(self.tmp, "pipia.json"), "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        self.jv_ok("assess", "--answers", os.path.join(self.tmp, "pipia.json"), "--json")
        out = os.path.join(self.tmp, "p.age")
        built = self.jv_ok("package", "build", "--recipient", self.rid, "--out", out, "--json",
                           env=pe.later(self.env, days=40)).json()
        self.assertEqual(built["subjects"], len(pe.CUSTOMERS) - 1)
        plain = subprocess.run(["age", "-d", "-i", self.age_key, out], check=True,
                               capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(plain)) as tf:
            data = tf.extractfile("data.jsonl").read().decode()
        subjects = [json.loads(l)["subject"] for l in data.splitlines() if l]
        self.assertEqual(len(subjects), len(pe.CUSTOMERS) - 1)
        self.assertNotIn(sid, subjects)

        # Logout ends the session.
        st, headers, _, _ = s.request("DELETE", "/portal/api/session", cookie=token, csrf=csrf)
        self.assertEqual(st, 200)
        self.assertIn("Max-Age=0", dict((k.lower(), v) for k, v in headers)["set-cookie"])
        st, _, _, _ = s.request("GET", "/portal/api/me", cookie=token)
        self.assertEqual(st, 401)

    def test_unknown_number_gets_the_same_answer(self):
        s = self.start()
        known = pe.CUSTOMERS[0][1]

        def strip(headers):
            return [(k, v) for k, v in headers if k.lower() != "date"]

        before = s.outbox_files()
        a = s.ask_code(known)
        b = s.ask_code(pe.UNKNOWN)
        self.assertEqual(a[0], 200)
        self.assertEqual((a[0], strip(a[1]), a[2]), (b[0], strip(b[1]), b[2]))
        self.assertIsNotNone(s.read_code(known, before))
        self.assertIsNone(s.read_code(pe.UNKNOWN, before, timeout=1))
        # A wrong code: the same answer for the known and the unknown number.
        a = s.request("POST", "/portal/api/verify", {"mobile": known, "code": "000000"})
        b = s.request("POST", "/portal/api/verify", {"mobile": pe.UNKNOWN, "code": "000000"})
        self.assertEqual(a[0], 401)
        self.assertEqual((a[0], strip(a[1]), a[2]), (b[0], strip(b[1]), b[2]))
        # A malformed number is a 400 that names the field only.
        st, _, body, doc = s.ask_code("12345")
        self.assertEqual(st, 400)
        self.assertNotIn(b"12345", body)

    def test_sixth_attempt_is_429_and_codes_work_once(self):
        s = self.start()
        mobile = pe.CUSTOMERS[3][1]
        before = s.outbox_files()
        self.assertEqual(s.ask_code(mobile)[0], 200)
        code = s.read_code(mobile, before)
        self.assertIsNotNone(code)
        wrong = "000000" if code != "000000" else "111111"
        for i in range(5):
            st, _, _, doc = s.request("POST", "/portal/api/verify", {"mobile": mobile,
                                                                     "code": wrong})
            self.assertEqual(st, 401, (i, doc))
        st, _, _, doc = s.request("POST", "/portal/api/verify", {"mobile": mobile, "code": code})
        self.assertEqual(st, 429, doc)
        # Other numbers are not affected; a code works once.
        other = pe.CUSTOMERS[4][1]
        before = s.outbox_files()
        s.ask_code(other)
        code = s.read_code(other, before)
        st, _, _, _ = s.request("POST", "/portal/api/verify", {"mobile": other, "code": code})
        self.assertEqual(st, 200)
        st, _, _, _ = s.request("POST", "/portal/api/verify", {"mobile": other, "code": code})
        self.assertEqual(st, 401)

    def test_codes_expire_after_ten_minutes_across_restarts(self):
        t0 = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
        mobile = pe.CUSTOMERS[2][1]
        s = self.start(fake_now=t0)
        before = s.outbox_files()
        s.ask_code(mobile)
        code = s.read_code(mobile, before)
        self.assertIsNotNone(code)
        # Exactly 10 minutes later, on another server process over the same Store: expired.
        s = self.start(fake_now=t0 + datetime.timedelta(minutes=10))
        st, _, _, doc = s.request("POST", "/portal/api/verify", {"mobile": mobile, "code": code})
        self.assertEqual(st, 401, doc)
        # A fresh code, used within its 10 minutes, works.
        s = self.start(fake_now=t0 + datetime.timedelta(minutes=20))
        before = s.outbox_files()
        s.ask_code(mobile)
        code = s.read_code(mobile, before)
        s = self.start(fake_now=t0 + datetime.timedelta(minutes=29, seconds=59))
        st, _, _, doc = s.request("POST", "/portal/api/verify", {"mobile": mobile, "code": code})
        self.assertEqual(st, 200, doc)

    def test_without_a_channel_the_code_route_answers_503(self):
        s = self.start(channel=None)
        st, _, body, doc = s.ask_code(pe.CUSTOMERS[0][1])
        self.assertEqual(st, 503)
        self.assertIn("未配置", doc["error"]["message"])
        # The page is served anyway.
        st, headers, body, _ = s.request("GET", "/portal")
        self.assertEqual(st, 200)
        self.assertIn("客户门户".encode(), body)
        csp = dict((k.lower(), v) for k, v in headers)["content-security-policy"]
        self.assertIn("default-src 'self'", csp)
        # Body size limit and JSON only, as the staff API.
        st, _, _, doc = s.request("POST", "/portal/api/verify", raw=b"{" + b" " * 70000 + b"}")
        self.assertEqual(st, 413, doc)
        st = s.request("POST", "/portal/api/code", raw=b"mobile=13800000001",
                       content_type="application/x-www-form-urlencoded")[0]
        self.assertEqual(st, 415)


if __name__ == "__main__":
    unittest.main()
