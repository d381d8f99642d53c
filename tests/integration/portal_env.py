"""Shared set-up for the customer-portal tests (test_portal.py, test_browser_portal.py).

A vault with five synthetic customers, a transfer (merger, one recipient with an age key,
everyone allocated, notices planned and written to a file outbox), and `jadevault serve` with
`--portal-channel file --portal-out DIR` on a free port over HTTPS with the vault's own
certificate. read_code() polls the portal outbox (one CSV file per code,
"mobile,text,notice_id"; docs/design/portal.md) for a new code sent to a number.
All data is synthetic.
"""
import csv
import datetime
import http.client
import io
import json
import os
import re
import ssl
import subprocess
import time

from jvtest import JADEVAULT


def id_number(first17):
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    s = sum(int(c) * w for c, w in zip(first17, weights))
    return first17 + "10X98765432"[s % 11]


# name, mobile, ID number (made-up people with valid check digits).
CUSTOMERS = [
    ("赵一", "13800000001", id_number("11010519850312001")),
    ("钱二", "13800000002", id_number("11010519900101002")),
    ("孙三", "13800000003", id_number("31010419780505003")),
    ("李四", "13800000004", id_number("44030519920909004")),
    ("周五", "13800000005", id_number("44030519930303005")),
]
UNKNOWN = "13912340000"  # in nobody's record


def customers_csv():
    return "姓名,手机,身份证号,门店\n" + "".join("%s,%s,%s,北京店\n" % c for c in CUSTOMERS)


def setup_transfer(tc):
    """On a VaultTestCase-like `tc` (jv_ok, init, tmp): import, transfer, recipient, notices.
    Returns (recipient id, age key file path)."""
    tc.init()
    path = os.path.join(tc.tmp, "customers.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(customers_csv())
    tc.jv_ok("import", path, "--json")
    key = os.path.join(tc.tmp, "age-key.txt")
    subprocess.run(["age-keygen", "-o", key], check=True, capture_output=True)
    age_pub = subprocess.run(["age-keygen", "-y", key], check=True,
                             capture_output=True).stdout.decode().strip()
    tc.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
    rid = tc.jv_ok("recipients", "add", "--name", "受让方珠宝有限公司", "--uscc",
                   "91110000600037341L", "--contact-name", "王经理", "--contact-phone",
                   "01012345678", "--address", "北京市东城区某路1号", "--region", "CN",
                   "--age-recipient", age_pub, "--scope", "name,mobile,id_number",
                   "--json").json()["id"]
    tc.jv_ok("allocate", "--recipient", rid, "--all", "--json")
    tc.jv_ok("notices", "plan", "--json")
    tc.jv_ok("notices", "send", "--channel", "file", "--out", os.path.join(tc.tmp, "notices"),
             "--json")
    return rid, key


class Server:
    """`jadevault serve` on 127.0.0.1:0 with the portal's file channel (unless channel=None)."""

    def __init__(self, vault, env, outbox, channel="file", fake_now=None):
        e = dict(env)
        e.pop("JADEVAULT_FAKE_NOW", None)
        if fake_now is not None:
            e["JADEVAULT_FAKE_NOW"] = fake_now.strftime("%Y-%m-%dT%H:%M:%SZ")
        cmd = [JADEVAULT, "--vault", vault, "serve", "--listen", "127.0.0.1:0", "--json"]
        if channel:
            cmd += ["--portal-channel", channel, "--portal-out", outbox]
        self.outbox = outbox
        self.proc = subprocess.Popen(cmd, env=e, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("serve did not start: " + self.proc.stderr.read().decode())
        self.info = json.loads(line)
        self.port = self.info["port"]
        self.url = "https://127.0.0.1:%d" % self.port
        self.ctx = ssl.create_default_context(cafile=os.path.join(vault, "tls", "server.crt"))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def request(self, method, path, body=None, cookie=None, csrf=None, cookie_name=None,
                raw=None, content_type="application/json"):
        """(status, headers as a list, body bytes, parsed JSON or None)."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                           timeout=30)
        h = {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h["Content-Type"] = content_type
        if cookie:
            h["Cookie"] = "%s=%s" % (cookie_name or "__Host-jv_portal", cookie)
        if csrf:
            h["X-CSRF-Token"] = csrf
        conn.request(method, path, body=data, headers=h)
        resp = conn.getresponse()
        payload = resp.read()
        headers = resp.getheaders()
        conn.close()
        doc = None
        if resp.getheader("Content-Type", "").startswith("application/json"):
            doc = json.loads(payload)
        return resp.status, headers, payload, doc

    def outbox_files(self):
        if not os.path.isdir(self.outbox):
            return set()
        return set(os.listdir(self.outbox))

    def ask_code(self, mobile_spelling):
        return self.request("POST", "/portal/api/code", {"mobile": mobile_spelling})

    def read_code(self, mobile, before, timeout=10):
        """The code in a new outbox file (not in `before`) addressed to `mobile`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for name in sorted(self.outbox_files() - before, reverse=True):
                with open(os.path.join(self.outbox, name), encoding="utf-8") as f:
                    rows = list(csv.reader(io.StringIO(f.read())))
                for row in rows:
                    if row and row[0] == mobile:
                        return re.search(r"验证码为 (\d{6})", row[1]).group(1)
            time.sleep(0.05)
        return None

    def sign_in(self, mobile, spelling=None):
        """(cookie token, csrf) after a code through the outbox."""
        before = self.outbox_files()
        status, _, _, _ = self.ask_code(spelling or mobile)
        assert status == 200, status
        code = self.read_code(mobile, before)
        assert code is not None, "no code arrived in the outbox"
        status, headers, _, doc = self.request("POST", "/portal/api/verify",
                                               {"mobile": mobile, "code": code})
        assert status == 200, (status, doc)
        cookie = [v for k, v in headers if k.lower() == "set-cookie"][0]
        token = cookie.split(";")[0].split("=", 1)[1]
        return token, doc["csrf"], cookie


def later(env, days=0, minutes=0, base=None):
    e = dict(env)
    t = (base or datetime.datetime.now(datetime.timezone.utc)) + datetime.timedelta(
        days=days, minutes=minutes)
    e["JADEVAULT_FAKE_NOW"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
    return e
