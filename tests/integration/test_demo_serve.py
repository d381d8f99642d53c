"""`jadevault demo --serve` (issue 6 item 7): after a quick demo (`--subjects 5`) the server
starts on the demo vault, prints its URL and the logins (never a password), the staff users
log in over HTTPS (the dpo with a TOTP code from `oathtool`, an independent implementation),
a portal code for a demo customer lands in the demo's outbox, and SIGTERM stops it cleanly.
All data is synthetic."""
import http.client
import json
import os
import select
import signal
import ssl
import subprocess
import time
import unittest

from jvtest import JADEVAULT, VaultTestCase


def oathtool(secret):
    return subprocess.run(["oathtool", "--totp", "-b", secret], check=True,
                          capture_output=True, text=True).stdout.strip()


class DemoServeTest(VaultTestCase):
    def read_serve_line(self, proc, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stdout], [], [], 1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            line = proc.stdout.readline()
            if not line:
                break
            doc = json.loads(line)
            if "serve" in doc:
                return doc["serve"]
        self.fail("demo --serve printed no serve line: " + proc.stderr.read().decode()[-2000:])

    def request(self, ctx, port, method, path, body=None, cookie=None, csrf=None):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=30)
        h = {}
        if body is not None:
            h["Content-Type"] = "application/json"
        if cookie:
            h["Cookie"] = cookie
        if csrf:
            h["X-CSRF-Token"] = csrf
        conn.request(method, path, body=json.dumps(body).encode() if body is not None else None,
                     headers=h)
        r = conn.getresponse()
        data = r.read()
        cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie"]
        conn.close()
        return r.status, json.loads(data) if data else None, cookies

    def test_demo_serve_logins_and_portal_code(self):
        env = dict(self.env)
        env.pop("JADEVAULT_PASSPHRASE", None)  # the demo's own passphrase
        env.pop("JADEVAULT_FAKE_NOW", None)    # TOTP against the real clock
        proc = subprocess.Popen([JADEVAULT, "--vault", self.vault, "demo", "--subjects", "5",
                                 "--serve", "--listen", "127.0.0.1:0", "--json"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            info = self.read_serve_line(proc)
            port = info["port"]
            self.assertEqual(info["vault"], self.vault)
            self.assertEqual(info["url"], "https://127.0.0.1:%d/" % port)
            ctx = ssl.create_default_context(cafile=info["cert_file"])
            logins = {l["role"]: l for l in info["logins"]}
            self.assertEqual(set(logins), {"dpo", "operator"})
            for l in logins.values():
                self.assertEqual(os.stat(l["password_file"]).st_mode & 0o777, 0o600)
                self.assertNotIn("password", {k for k in l if k != "password_file"})
            dpo = logins["dpo"]
            self.assertTrue(dpo["otpauth_uri"].startswith("otpauth://totp/"))

            def password(l):
                with open(l["password_file"]) as f:
                    return f.read().strip()

            st, doc, cookies = self.request(ctx, port, "POST", "/api/v1/session",
                                            {"user": dpo["user"], "password": password(dpo),
                                             "totp": oathtool(dpo["totp_secret"])})
            self.assertEqual(st, 200, doc)
            self.assertEqual(doc["role"], "dpo")
            token = cookies[0].split(";")[0]
            st, me, _ = self.request(ctx, port, "GET", "/api/v1/me", cookie=token)
            self.assertEqual((st, me["user"]), (200, "demo-dpo"))
            op = logins["operator"]
            st, doc, _ = self.request(ctx, port, "POST", "/api/v1/session",
                                      {"user": op["user"], "password": password(op)})
            self.assertEqual(st, 200, doc)
            st, doc, _ = self.request(ctx, port, "POST", "/api/v1/session",
                                      {"user": op["user"], "password": "wrong password!!"})
            self.assertEqual(st, 401)

            # The portal: a code for the demo customer lands in the demo's outbox.
            with open(info["portal_try_mobile_file"]) as f:
                mobile = f.read().strip()
            st, doc, _ = self.request(ctx, port, "POST", "/portal/api/code", {"mobile": mobile})
            self.assertEqual(st, 200, doc)
            outbox = info["portal_outbox"]
            deadline = time.monotonic() + 10
            lines = []
            while time.monotonic() < deadline and not lines:
                if os.path.isdir(outbox):
                    for n in os.listdir(outbox):
                        with open(os.path.join(outbox, n), encoding="utf-8") as f:
                            lines.append(f.read())
                time.sleep(0.05)
            self.assertEqual(len(lines), 1)
            self.assertTrue(lines[0].startswith(mobile + ","))
            self.assertIn("【玉匣演示珠宝有限公司】您的验证码为 ", lines[0])
            # Passwords never reach stdout or stderr.
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err.decode(errors="replace")[-2000:])
            for l in logins.values():
                self.assertNotIn(password(l).encode(), out + err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


if __name__ == "__main__":
    unittest.main()
