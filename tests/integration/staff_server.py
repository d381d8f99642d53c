"""A vault with staff users and a running `jadevault serve`, for the staff UI/API tests
(test_staff_api.py, test_browser_staff.py). Synthetic data only.

    s = StaffServer(tmp)            # init, users admin1/dpo1 (TOTP)/operator1/auditor1, serve
    s.login("dpo1") -> Session      # TOTP computed here (RFC 6238), one login per 30 s step
    sess.call("GET", "/api/v1/me") -> (status, doc)
    s.stop()
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import ssl
import struct
import subprocess
import time

import jvtest

J = jvtest.JADEVAULT
PASSWORD = "synthetic staff password 测试"
USCC = "91350100M000100Y43"  # check character valid (classify/uscc_test.cc)


def totp(secret_b32, now=None):
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    counter = int((now if now is not None else time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


def usable_totp(secret_b32, used):
    """A code for a 30 s step not used yet by this user (waits for the next step if needed)."""
    while int(time.time() // 30) in used:
        time.sleep(0.5)
    step = int(time.time() // 30)
    used.add(step)
    return totp(secret_b32, step * 30 + 1)


class Session:
    def __init__(self, server, token, csrf):
        self.server, self.token, self.csrf = server, token, csrf

    def call(self, method, path, body=None, raw=None, content_type=None, timeout=60):
        return self.server.request(method, path, body=body, raw=raw, token=self.token,
                                   csrf=self.csrf, content_type=content_type, timeout=timeout)


class StaffServer:
    USERS = {"admin1": "admin", "dpo1": "dpo", "operator1": "operator", "auditor1": "auditor"}

    def __init__(self, tmp, company="某某珠宝有限公司", extra_serve_args=()):
        self.tmp = tmp
        self.vault = os.path.join(tmp, "vault")
        self.env = dict(os.environ, JADEVAULT_PASSPHRASE=jvtest.PASSPHRASE)
        self.env.pop("JADEVAULT_FAKE_NOW", None)  # TOTP against the real clock
        self.cli("init", "--company", company, "--scrypt-log-n", "14", "--json")
        pw = os.path.join(tmp, "pw")
        with open(pw, "w") as f:
            f.write(PASSWORD + "\n")
        self.users = {}
        self.used_steps = {}
        for name, role in self.USERS.items():
            extra = ["--totp"] if role in ("dpo", "admin") else []
            self.users[name] = self.cli("users", "add", name, "--role", role, "--password-file",
                                        pw, "--scrypt-log-n", "12", "--json", *extra)
            self.used_steps[name] = set()
        self.proc = subprocess.Popen(
            [J, "--vault", self.vault, "serve", "--listen", "127.0.0.1:0", "--access-log",
             os.path.join(tmp, "access.log"), "--json", *extra_serve_args],
            env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("serve did not start: " + self.proc.stderr.read().decode())
        self.info = json.loads(line)
        self.port = self.info["port"]
        self.url = "https://127.0.0.1:%d" % self.port
        self.ctx = ssl.create_default_context(
            cafile=os.path.join(self.vault, "tls", "server.crt"))

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        finally:
            self.proc.stdout.close()
            self.proc.stderr.close()

    def cli(self, *args, vault=None, check=True):
        p = subprocess.run([J, "--vault", vault or self.vault] + list(args), env=self.env,
                           capture_output=True, timeout=600)
        if check and p.returncode != 0:
            raise AssertionError(f"{args[:2]} failed ({p.returncode}): "
                                 f"{p.stderr.decode(errors='replace')}")
        return json.loads(p.stdout) if p.stdout.strip() else None

    def setup_transfer(self):
        """transfer setup + one recipient (an age key), as the CLI does; returns its id."""
        self.cli("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        out = subprocess.run(["age-keygen"], capture_output=True, text=True, check=True)
        age = next(l[l.index("age1"):].split()[0] for l in (out.stdout + out.stderr).splitlines()
                   if "age1" in l)
        r = self.cli("recipients", "add", "--name", "接收珠宝有限公司", "--uscc", USCC,
                     "--contact-name", "王经理", "--contact-phone", "010-12345678", "--address",
                     "北京市东城区某路9号", "--region", "CN", "--age-recipient", age, "--json")
        return r["id"]

    def request(self, method, path, body=None, raw=None, token=None, csrf=None,
                content_type=None, timeout=60):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx,
                                           timeout=timeout)
        h = {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if content_type:
            h["Content-Type"] = content_type
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
        return resp.status, doc

    def login(self, name):
        body = {"user": name, "password": PASSWORD}
        if self.users[name].get("totp"):
            body["totp"] = usable_totp(self.users[name]["totp_secret"], self.used_steps[name])
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.ctx, timeout=30)
        conn.request("POST", "/api/v1/session", body=json.dumps(body).encode(),
                     headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        doc = json.loads(resp.read())
        conn.close()
        if resp.status != 200:
            raise AssertionError(f"login {name}: {resp.status} {doc}")
        token = resp.getheader("Set-Cookie").split(";")[0].split("=", 1)[1]
        return Session(self, token, doc["csrf"])

    def wait_job(self, sess, job, timeout=300, on_poll=None):
        end = time.time() + timeout
        while time.time() < end:
            status, doc = sess.call("GET", "/api/v1/jobs/" + job)
            if status != 200:
                raise AssertionError(f"job {job}: {status} {doc}")
            if on_poll:
                on_poll(doc)
            if doc["state"] in ("done", "failed"):
                return doc
            time.sleep(0.05)
        raise AssertionError(f"job {job} did not end in {timeout} s")
