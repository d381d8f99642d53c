"""Shared helpers for the end-to-end tests: run the real jadevault binary, parse its JSON.

Every test gets a fresh temporary directory; vaults use a low scrypt cost (--scrypt-log-n 14)
so that each command unlocks quickly. All data is synthetic.
"""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

JADEVAULT = os.environ.get("JADEVAULT_BIN", "jadevault")
SOURCE_DIR = os.environ.get("JV_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PASSPHRASE = "correct horse battery staple 测试"


class Run:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def json(self):
        return json.loads(self.stdout)


class VaultTestCase(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="jv-it-")
        self.vault = os.path.join(self.tmp, "vault")
        self.env = dict(os.environ)
        self.env["JADEVAULT_PASSPHRASE"] = PASSPHRASE

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def jv(self, *args, env=None, passphrase=PASSPHRASE, stdin=None, vault=None):
        e = dict(env if env is not None else self.env)
        if passphrase is None:
            e.pop("JADEVAULT_PASSPHRASE", None)
        else:
            e["JADEVAULT_PASSPHRASE"] = passphrase
        cmd = [JADEVAULT, "--vault", vault or self.vault] + list(args)
        proc = subprocess.run(cmd, env=e, input=stdin, capture_output=True, timeout=600)
        return Run(proc)

    def jv_ok(self, *args, **kw):
        r = self.jv(*args, **kw)
        self.assertEqual(r.code, 0, f"{args} failed: {r.stderr.decode(errors='replace')}")
        return r

    def init(self, crypto="std", company="某某珠宝有限公司", case="transfer", extra=()):
        return self.jv_ok("init", "--company", company, "--case", case, "--crypto", crypto,
                          "--scrypt-log-n", "14", "--json", *extra).json()

    def vault_files(self):
        out = []
        for root, _, files in os.walk(self.vault):
            for f in files:
                out.append(os.path.join(root, f))
        return out

    def vault_bytes(self):
        blob = b""
        for f in self.vault_files():
            with open(f, "rb") as fh:
                blob += fh.read()
        return blob

    def vault_digest(self):
        h = hashlib.sha256()
        for f in sorted(self.vault_files()):
            h.update(f.encode())
            with open(f, "rb") as fh:
                h.update(fh.read())
        return h.hexdigest()


def rfc6962_leaf(data, hash_fn=hashlib.sha256):
    return hash_fn(b"\x00" + data).digest()


def rfc6962_node(left, right, hash_fn=hashlib.sha256):
    return hash_fn(b"\x01" + left + right).digest()


def rfc6962_root(leaves, hash_fn=hashlib.sha256):
    """Merkle Tree Hash (RFC 6962 §2.1) over raw leaf data."""
    n = len(leaves)
    if n == 0:
        return hash_fn(b"").digest()
    if n == 1:
        return rfc6962_leaf(leaves[0], hash_fn)
    k = 1
    while k * 2 < n:
        k *= 2
    return rfc6962_node(rfc6962_root(leaves[:k], hash_fn), rfc6962_root(leaves[k:], hash_fn),
                        hash_fn)


def rfc6962_verify_inclusion(index, size, leaf_hash, path, root, hash_fn=hashlib.sha256):
    """RFC 9162 §2.1.3.2 inclusion-proof verification."""
    if index >= size:
        return False
    fn, sn = index, size - 1
    r = leaf_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = rfc6962_node(p, r, hash_fn)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = rfc6962_node(r, p, hash_fn)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
