"""Shared helpers for the end-to-end tests: run the real jadevault binary, parse its JSON.

Every test gets a fresh temporary directory; vaults use a low scrypt cost (--scrypt-log-n 14)
so that each command unlocks quickly. All data is synthetic.

Store backend: with JV_TEST_STORE=postgresql every test also gets a fresh PostgreSQL database
(jv_t_<hex>, created through JV_TEST_PG_URL's server, dropped WITH (FORCE) afterwards) and
`init()` passes `--store` with its URL, so the same tests run against PostgreSQL. The raw
views of "what the vault stores" follow the backend: vault_bytes() adds a full `pg_dump` of the
database and its table files (when the server's data directory is readable here), and
vault_digest() adds the `pg_dump`; store_sql() queries either backend.
"""
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import unittest

JADEVAULT = os.environ.get("JADEVAULT_BIN", "jadevault")
SOURCE_DIR = os.environ.get("JV_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
PASSPHRASE = "correct horse battery staple 测试"
STORE = os.environ.get("JV_TEST_STORE", "sqlite")
PG_URL = os.environ.get("JV_TEST_PG_URL", "")


def pg_url_with_database(url, db):
    """`url` with its database name (the URL path) replaced by `db`."""
    scheme, _, rest = url.partition("://")
    rest, q, query = rest.partition("?")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host}/{db}" + (q + query if q else "")


def psql(url, sql):
    """Runs SQL with psql on `url`; returns stdout rows as 'a|b' lines."""
    out = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url,
                          "-c", sql], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {out.stderr}")
    return out.stdout


class PgDatabase:
    """A fresh database on JV_TEST_PG_URL's server, for one test."""

    def __init__(self):
        if not PG_URL:
            msg = "JV_TEST_STORE=postgresql needs JV_TEST_PG_URL (scripts/test-services.sh)"
            if os.environ.get("JV_REQUIRE_PG") == "1":
                raise RuntimeError(msg)
            raise unittest.SkipTest(msg)
        self.name = "jv_t_" + secrets.token_hex(8)
        psql(PG_URL, f"CREATE DATABASE {self.name} ENCODING 'UTF8' TEMPLATE template0")
        self.url = pg_url_with_database(PG_URL, self.name)

    def drop(self):
        psql(PG_URL, f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")

    def dump(self):
        out = subprocess.run(["pg_dump", "--no-owner", "-d", self.url], capture_output=True,
                             timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {out.stderr.decode(errors='replace')}")
        return out.stdout

    def describe_file(self, path):
        """`path` followed by the relation whose file it is, if it is one of this database's."""
        node = os.path.basename(path).split(".")[0].split("_")[0]
        if not node.isdigit():
            return path
        try:
            rel = psql(self.url, "SELECT string_agg(c.oid::regclass::text, ',') FROM pg_class c "
                                 f"WHERE pg_relation_filenode(c.oid) = {node}").strip()
        except RuntimeError:
            return path
        return f"{path} ({rel or 'no relation: an unlinked file'})"

    def table_files(self):
        """Paths of the database's relation files, if this process can read them."""
        try:
            data = psql(self.url, "SELECT current_setting('data_directory')").strip()
            oid = psql(self.url, "SELECT oid FROM pg_database WHERE datname = current_database()").strip()
        except RuntimeError:
            return []
        base = os.path.join(data, "base", oid)
        if not os.access(base, os.R_OK):
            return []
        psql(self.url, "CHECKPOINT")
        return [os.path.join(base, f) for f in sorted(os.listdir(base))]


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
        self.pg = None
        if STORE == "postgresql":
            self.pg = PgDatabase()

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.pg is not None:
            self.pg.drop()

    def write(self, name, data):
        """Writes `data` (bytes as they are, text as UTF-8) to `name` in this test's
        directory and returns the path."""
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        return path

    def store_sql(self, sql, vault=None):
        """Rows of `sql` on this test's vault store (sqlite3 or psql), as 'a|b' lines.
        Write SQL both dialects accept; hex_sql() gives the hex of a blob column."""
        if self.pg is not None and vault in (None, self.vault):
            return psql(self.pg.url, sql).split()
        db = os.path.join(vault or self.vault, "vault.db")
        return subprocess.run(["sqlite3", db, sql], check=True, capture_output=True,
                              text=True).stdout.split()

    def hex_sql(self, column):
        return f"encode({column}, 'hex')" if self.pg is not None else f"hex({column})"

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

    def init(self, crypto="std", company="某某珠宝有限公司", case="transfer", extra=(),
             vault=None):
        if self.pg is not None and vault in (None, self.vault) and "--store" not in extra:
            extra = ("--store", self.pg.url) + tuple(extra)
        if vault is not None:
            return self.jv_ok("init", "--company", company, "--case", case, "--crypto", crypto,
                              "--scrypt-log-n", "14", "--json", *extra, vault=vault).json()
        return self.jv_ok("init", "--company", company, "--case", case, "--crypto", crypto,
                          "--scrypt-log-n", "14", "--json", *extra).json()

    def vault_files(self):
        out = []
        for root, _, files in os.walk(self.vault):
            for f in files:
                out.append(os.path.join(root, f))
        return out

    def vault_sources(self):
        """(name, bytes) of everything the vault stores: the files of its directory, and on
        PostgreSQL a full pg_dump plus the database's table files (when readable here)."""
        out = []
        files = self.vault_files()
        if self.pg is not None:
            out.append(("pg_dump", self.pg.dump()))
            files += self.pg.table_files()
        for f in files:
            try:
                with open(f, "rb") as fh:
                    out.append((f, fh.read()))
            except FileNotFoundError:  # a table file unlinked meanwhile
                pass
        return out

    def vault_bytes(self):
        """Every byte the vault stores (vault_sources() concatenated)."""
        return b"".join(data for _, data in self.vault_sources())

    def where_stored(self, needles):
        """Names of the vault sources that contain any of `needles` (never the bytes); on
        PostgreSQL a table file is named with its relation, e.g. ".../16390 (data_keys)"."""
        found = sorted({name for name, data in self.vault_sources()
                        for n in needles if n in data})
        if self.pg is not None:
            found = [self.pg.describe_file(f) for f in found]
        return found

    def vault_digest(self):
        """Changes when the vault's content changes (on PostgreSQL: its pg_dump)."""
        h = hashlib.sha256()
        for f in sorted(self.vault_files()):
            h.update(f.encode())
            with open(f, "rb") as fh:
                h.update(fh.read())
        if self.pg is not None:
            # pg_dump >= 15.14 brackets the script with "\restrict KEY" / "\unrestrict KEY",
            # a random key per run: leave those lines out.
            for line in self.pg.dump().split(b"\n"):
                if not line.startswith((b"\\restrict ", b"\\unrestrict ")):
                    h.update(line + b"\n")
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
