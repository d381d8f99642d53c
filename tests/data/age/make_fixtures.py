#!/usr/bin/env python3
"""Generates the age test fixtures in this directory (see README.md).

Each fixture has the layout of the C2SP CCTV age test vectors: a textual header
(`expect:`, `payload:` = hex SHA-256 of the expected plaintext, `identity:`,
`passphrase:`, `armored: yes`, `comment:`), an empty line, then the age file bytes.
The files are written from scratch with Python's `cryptography` package (X25519,
ChaCha20-Poly1305, HKDF-SHA-256, HMAC) and hashlib.scrypt, following c2sp.org/age;
randomness is a fixed SHA-256 counter stream, so re-running this script reproduces
the same bytes. All data is synthetic.

Usage: python3 make_fixtures.py   (writes next to itself)
"""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import serialization

HERE = os.path.dirname(os.path.abspath(__file__))
CHUNK = 64 * 1024


class Rand:
    def __init__(self, seed):
        self.seed = seed
        self.n = 0

    def __call__(self, k):
        out = b""
        while len(out) < k:
            out += hashlib.sha256(self.seed + self.n.to_bytes(8, "big")).digest()
            self.n += 1
        return out[:k]


# ---- Bech32 (BIP 173) ------------------------------------------------------------
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def bech32_encode(hrp, data, upper=False):
    acc, bits, five = 0, 0, []
    for b in data:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            five.append((acc >> bits) & 31)
    if bits:
        five.append((acc << (5 - bits)) & 31)
    h = hrp.lower()
    values = [ord(c) >> 5 for c in h] + [0] + [ord(c) & 31 for c in h] + five
    mod = polymod(values + [0] * 6) ^ 1
    s = h + "1" + "".join(CHARSET[d] for d in five) + "".join(
        CHARSET[(mod >> 5 * (5 - i)) & 31] for i in range(6))
    return s.upper() if upper else s


# ---- primitives --------------------------------------------------------------------
def b64(b):
    return base64.b64encode(b).decode().rstrip("=")


def hkdf(ikm, salt, info):
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def x25519(scalar, point):
    try:
        return X25519PrivateKey.from_private_bytes(scalar).exchange(
            X25519PublicKey.from_public_bytes(point))
    except ValueError:  # low-order point: the shared secret would be all zeros
        return bytes(32)


def pub(scalar):
    return X25519PrivateKey.from_private_bytes(scalar).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def seal(key, nonce, pt):
    return ChaCha20Poly1305(key).encrypt(nonce, pt, None)


# ---- test file builder (mirrors the CCTV testkit's vocabulary) ---------------------
class File:
    def __init__(self, name):
        self.name = name
        self.rand = Rand(b"jadevault age fixtures/" + name.encode())
        self.buf = b""
        self.file_key = b"jadevault fk 16B"
        self.payload = b""
        self.expect = "success"
        self.identities = []
        self.passphrases = []
        self.armored = False
        self.comment = ""

    def line(self, s):
        self.buf += (s if isinstance(s, bytes) else s.encode()) + b"\n"

    def version(self, v="v1"):
        self.line("age-encryption.org/" + v)

    def args(self, *a):
        self.line(" ".join(("->",) + a))

    def body(self, data):
        while True:
            part, data = data[:48], data[48:]
            self.line(b64(part))
            if len(part) < 48:
                break

    def x25519(self, identity, record=True, share=None):
        if record:
            self.identities.append(bech32_encode("AGE-SECRET-KEY-", identity, upper=True))
        if share is None:
            share = pub(self.rand(32))
        secret = x25519(identity, share)
        key = hkdf(secret, share + pub(identity), b"age-encryption.org/v1/X25519")
        self.args("X25519", b64(share))
        self.body(seal(key, bytes(12), self.file_key))

    def scrypt(self, passphrase, work_factor=10, record=True, salt=None, wf_text=None):
        if record:
            self.passphrases.append(passphrase)
        salt = salt if salt is not None else self.rand(16)
        key = hashlib.scrypt(passphrase.encode(), salt=b"age-encryption.org/v1/scrypt" + salt,
                             n=1 << work_factor, r=8, p=1, dklen=32)
        self.args("scrypt", b64(salt), wf_text or str(work_factor))
        self.body(seal(key, bytes(12), self.file_key))

    def mac(self, key=None):
        hk = hkdf(key or self.file_key, b"", b"header")
        self.buf += b"---"
        self.line(" " + b64(hmac.new(hk, self.buf, hashlib.sha256).digest()))

    def nonce(self, n=None):
        n = n if n is not None else self.rand(16)
        self.stream_key = hkdf(self.file_key, n, b"payload")
        self.counter = 0
        self.buf += n

    def chunk(self, pt, final=False, record=True):
        if record:
            self.payload += pt
        nonce = self.counter.to_bytes(11, "big") + (b"\x01" if final else b"\x00")
        self.buf += seal(self.stream_key, nonce, pt)
        self.counter += 1

    def simple_payload(self, pt=b"age"):
        self.nonce()
        self.chunk(pt, final=True)

    def armor(self, wrap=64, pad=True, eol="\n"):
        data, out = self.buf, "-----BEGIN AGE ENCRYPTED FILE-----" + eol
        enc = base64.b64encode(data).decode()
        if not pad:
            enc = enc.rstrip("=")
        for i in range(0, len(enc), wrap):
            out += enc[i:i + wrap] + eol
        out += "-----END AGE ENCRYPTED FILE-----" + eol
        self.buf = out.encode()
        self.armored = True

    def write(self):
        head = "expect: %s\n" % self.expect
        if self.expect in ("success", "payload failure"):
            head += "payload: %s\n" % hashlib.sha256(self.payload).hexdigest()
        for i in self.identities:
            head += "identity: %s\n" % i
        for p in self.passphrases:
            head += "passphrase: %s\n" % p
        if self.armored:
            head += "armored: yes\n"
        if self.comment:
            head += "comment: %s\n" % self.comment
        with open(os.path.join(HERE, self.name), "wb") as f:
            f.write(head.encode() + b"\n" + self.buf)


ID = Rand(b"jadevault age fixtures identity")(32)
OTHER = Rand(b"jadevault age fixtures other identity")(32)
FIXTURES = []


def fixture(fn):
    FIXTURES.append(fn)
    return fn


def basic(name, **kw):
    f = File(name)
    f.version()
    f.x25519(ID)
    return f


# ---- success ---------------------------------------------------------------------
@fixture
def x25519_basic():
    f = basic("x25519_basic"); f.mac(); f.simple_payload(); return f


@fixture
def x25519_empty_payload():
    f = basic("x25519_empty_payload"); f.mac(); f.simple_payload(b""); return f


@fixture
def x25519_multiple_recipients():
    f = File("x25519_multiple_recipients"); f.version()
    f.x25519(OTHER, record=False); f.x25519(ID); f.mac(); f.simple_payload()
    f.comment = "the first stanza is for another identity"; return f


@fixture
def x25519_multiple_identities():
    f = File("x25519_multiple_identities"); f.version(); f.x25519(ID)
    f.identities.insert(0, bech32_encode("AGE-SECRET-KEY-", OTHER, upper=True))
    f.mac(); f.simple_payload(); f.comment = "the first identity does not match"; return f


@fixture
def stanza_unknown_types_skipped():
    f = File("stanza_unknown_types_skipped"); f.version()
    f.args("grease"); f.body(b"")
    f.args("example.com/enigma", "arg1", "arg2"); f.body(f.rand(48))
    f.x25519(ID)
    f.args("joke"); f.body(f.rand(100))
    f.mac(); f.simple_payload()
    f.comment = "unknown stanzas, one with a 48-byte body (full line then empty line)"; return f


@fixture
def stanza_valid_characters():
    f = File("stanza_valid_characters"); f.version()
    f.args("!\"#$%&'", "()*+,-./", "01234567", "89:;<=>?", "@ABCDEFG", "HIJKLMNO"); f.body(b"")
    f.args("PQRSTUVW", "XYZ[\\]^_", "`abcdefg", "hijklmno", "pqrstuvw", "xyz{|}~"); f.body(b"")
    f.x25519(ID); f.mac(); f.simple_payload(); return f


@fixture
def stream_two_chunks():
    f = basic("stream_two_chunks"); f.mac(); f.nonce()
    f.chunk(bytes([1]) * CHUNK); f.chunk(b"age", final=True); return f


@fixture
def stream_last_chunk_full():
    f = basic("stream_last_chunk_full"); f.mac(); f.nonce()
    f.chunk(bytes([2]) * CHUNK, final=True)
    f.comment = "a single full-size final chunk"; return f


@fixture
def scrypt_basic():
    f = File("scrypt_basic"); f.version(); f.scrypt("correct horse battery staple")
    f.mac(); f.simple_payload(); return f


@fixture
def armor_basic():
    f = basic("armor_basic"); f.mac(); f.simple_payload(); f.armor(); return f


@fixture
def armor_crlf():
    f = basic("armor_crlf"); f.mac(); f.simple_payload(); f.armor(eol="\r\n"); return f


@fixture
def armor_whitespace_outside():
    f = basic("armor_whitespace_outside"); f.mac(); f.simple_payload(); f.armor()
    f.buf = b"\n\r  \t\n" + f.buf + b"\n \t\r\n"; return f


@fixture
def armor_no_final_eol():
    f = basic("armor_no_final_eol"); f.mac(); f.simple_payload(); f.armor()
    f.buf = f.buf[:-1]; return f


def full_line_file(name):
    # Payload length chosen so the binary file is a multiple of 48 bytes: the armor's
    # last line is then a full 64-column line.
    f = basic(name); f.mac()
    n = (48 - (len(f.buf) + 16 + 16) % 48) % 48 or 48
    f.simple_payload(b"a" * n)
    assert len(f.buf) % 48 == 0
    return f


@fixture
def armor_full_last_line():
    f = full_line_file("armor_full_last_line"); f.armor(); return f


@fixture
def scrypt_armored():
    f = File("scrypt_armored"); f.version(); f.scrypt("password"); f.mac(); f.simple_payload()
    f.armor(); return f


# ---- header failure ----------------------------------------------------------------
def header_failure(name, build, comment):
    def make():
        f = File(name); build(f); f.expect = "header failure"; f.comment = comment
        if not f.identities:
            f.identities.append(bech32_encode("AGE-SECRET-KEY-", ID, upper=True))
        return f
    FIXTURES.append(make)


def with_payload(f):
    f.mac(); f.simple_payload()


def edit_last_stanza_line(f, fn):
    lines = f.buf.split(b"\n")
    lines[-2] = fn(lines[-2])
    f.buf = b"\n".join(lines)


header_failure("version_unsupported", lambda f: (f.version("v2"), f.x25519(ID), with_payload(f)),
               "unknown version line")
header_failure("version_crlf", lambda f: (f.line("age-encryption.org/v1\r"), f.x25519(ID),
                                          with_payload(f)), "CRLF version line")
header_failure("no_stanzas", lambda f: (f.version(), with_payload(f)), "no recipient stanza")
header_failure("stanza_no_arguments", lambda f: (f.version(), f.x25519(ID), f.line("->"),
                                                 f.body(b""), with_payload(f)),
               "stanza line without arguments")
header_failure("stanza_empty_argument", lambda f: (f.version(), f.x25519(ID),
                                                   f.line("-> grease  x"), f.body(b""),
                                                   with_payload(f)), "two spaces")
header_failure("stanza_trailing_space", lambda f: (f.version(), f.x25519(ID),
                                                   f.line("-> grease "), f.body(b""),
                                                   with_payload(f)), "trailing space")
header_failure("stanza_bad_prefix", lambda f: (f.version(), f.x25519(ID), f.line("->grease"),
                                               f.body(b""), with_payload(f)),
               "no space after the arrow")
header_failure("stanza_invalid_character", lambda f: (f.version(), f.x25519(ID),
                                                      f.line(b"-> gre\x7fase"), f.body(b""),
                                                      with_payload(f)), "DEL in an argument")
header_failure("stanza_body_padding", lambda f: (f.version(), f.args("grease"),
                                                 f.line(b64(b"ab") + "=="), f.x25519(ID),
                                                 with_payload(f)), "padded base64 body")
header_failure("stanza_body_not_canonical", lambda f: (f.version(), f.args("grease"),
                                                       f.line("YWJ"), f.x25519(ID),
                                                       with_payload(f)),
               "non-zero trailing bits in body base64")
header_failure("stanza_long_line", lambda f: (f.version(), f.args("grease"), f.line("A" * 68),
                                              f.line(""), f.x25519(ID), with_payload(f)),
               "body line longer than 64 columns")
header_failure("stanza_missing_body", lambda f: (f.version(), f.x25519(ID), f.args("grease"),
                                                 with_payload(f)), "no body line at all")
header_failure("stanza_missing_final_line", lambda f: (f.version(), f.x25519(ID),
                                                       f.args("grease"), f.line("A" * 64),
                                                       with_payload(f)),
               "a 48-byte body must end with an empty line")
header_failure("stanza_multiple_short_lines", lambda f: (f.version(), f.x25519(ID),
                                                         f.args("grease"), f.line("A" * 32),
                                                         f.line("A" * 32), with_payload(f)),
               "a short line ends the body")
header_failure("stanza_spurious_cr", lambda f: (f.version(), f.x25519(ID),
                                                edit_last_stanza_line(f, lambda l: l + b"\r"),
                                                with_payload(f)), "CR at end of body line")
header_failure("x25519_extra_argument", lambda f: (f.version(), f.x25519(ID),
                                                   edit_last_stanza_line(f, lambda l: l),
                                                   setattr(f, "buf", f.buf.replace(
                                                       b"\n", b" extra\n", 2).replace(
                                                       b"v1 extra\n", b"v1\n")),
                                                   with_payload(f)), "X25519 with 2 arguments")
header_failure("x25519_share_short", lambda f: (f.version(),
                                                f.x25519(ID, share=pub(f.rand(32))[:31]),
                                                with_payload(f)), "31-byte share")
header_failure("x25519_share_not_canonical", lambda f: (
    f.version(), f.x25519(ID),
    setattr(f, "buf", f.buf.replace(f.buf.split(b"\n")[1], f.buf.split(b"\n")[1][:-1] + bytes(
        [ord("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".index(
                chr(f.buf.split(b"\n")[1][-1])) + 1])]))),
    with_payload(f)), "share base64 has non-zero trailing bits")
header_failure("x25519_body_long", lambda f: (f.version(), f.x25519(ID),
                                              edit_last_stanza_line(
                                                  f, lambda l: b64(base64.b64decode(
                                                      l + b"=") + b"\x00\x00\x00").encode()),
                                              with_payload(f)), "35-byte body")
header_failure("x25519_low_order", lambda f: (f.version(), f.x25519(ID, share=bytes.fromhex(
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7")), with_payload(f)),
               "share of order 8: all-zero shared secret")
header_failure("x25519_zero_share", lambda f: (f.version(), f.x25519(ID, share=bytes(32)),
                                               with_payload(f)), "all-zero share")
header_failure("scrypt_and_x25519", lambda f: (f.version(), f.x25519(ID), f.scrypt("password"),
                                               with_payload(f)), "scrypt must be alone")
header_failure("scrypt_double", lambda f: (f.version(), f.scrypt("password"),
                                           f.scrypt("hunter2"), with_payload(f)),
               "two scrypt stanzas")
for _name, _wf in [("leading_zero", "010"), ("hex", "0xa"), ("plus", "+10"),
                   ("negative", "-10"), ("zero", "0"), ("23", "23"),
                   ("overflow", "18446744073709551626"), ("trailing_garbage", "10a"),
                   ("empty_octal", "012")]:
    header_failure("scrypt_work_factor_" + _name,
                   lambda f, wf=_wf: (f.version(), f.scrypt("password", 10, wf_text=wf),
                                      with_payload(f)), "work factor " + _wf)
header_failure("scrypt_salt_short", lambda f: (f.version(), f.scrypt("password", salt=b"s" * 15),
                                               with_payload(f)), "15-byte salt")
header_failure("scrypt_salt_long", lambda f: (f.version(), f.scrypt("password", salt=b"s" * 17),
                                              with_payload(f)), "17-byte salt")
header_failure("scrypt_extra_argument", lambda f: (
    f.version(), f.scrypt("password"),
    setattr(f, "buf", f.buf.replace(b" 10\n", b" 10 x\n")), with_payload(f)),
               "scrypt with 3 arguments")
header_failure("hmac_missing", lambda f: (f.version(), f.x25519(ID), f.simple_payload()),
               "no MAC line")
header_failure("hmac_truncated", lambda f: (f.version(), f.x25519(ID),
                                            f.line("--- " + b64(bytes(31))), f.simple_payload()),
               "31-byte MAC")
header_failure("hmac_no_space", lambda f: (f.version(), f.x25519(ID),
                                           f.line("---" + b64(bytes(32))), f.simple_payload()),
               "no space after ---")
header_failure("hmac_extra_space", lambda f: (f.version(), f.x25519(ID),
                                              f.line("---  " + b64(bytes(32))),
                                              f.simple_payload()), "two spaces after ---")
header_failure("hmac_trailing_space", lambda f: (f.version(), f.x25519(ID),
                                                 f.line("--- " + b64(bytes(32)) + " "),
                                                 f.simple_payload()), "trailing space")
header_failure("hmac_not_canonical", lambda f: (f.version(), f.x25519(ID),
                                                f.line("--- " + b64(bytes(32))[:-1] + "B"),
                                                f.simple_payload()), "non-canonical MAC")
header_failure("header_truncated", lambda f: (f.version(), f.x25519(ID),
                                              setattr(f, "buf", f.buf[:-5])),
               "file ends inside the header")
header_failure("empty_file", lambda f: None, "empty input")


# ---- HMAC failure, no match --------------------------------------------------------
@fixture
def hmac_bad():
    f = basic("hmac_bad"); f.mac(key=b"another file key"); f.simple_payload()
    f.expect = "HMAC failure"; return f


@fixture
def hmac_header_changed():
    f = basic("hmac_header_changed"); f.args("grease"); f.body(b"")
    f.mac(); f.buf = f.buf.replace(b"-> grease\n", b"-> greasf\n"); f.simple_payload()
    f.expect = "HMAC failure"; f.comment = "an unknown stanza was edited after MAC"; return f


@fixture
def x25519_no_match():
    f = File("x25519_no_match"); f.version(); f.x25519(OTHER, record=False)
    f.identities.append(bech32_encode("AGE-SECRET-KEY-", ID, upper=True))
    f.mac(); f.simple_payload(); f.expect = "no match"; return f


@fixture
def x25519_lowercase_type():
    f = basic("x25519_lowercase_type"); f.buf = f.buf.replace(b"-> X25519", b"-> x25519")
    f.mac(); f.simple_payload(); f.expect = "no match"
    f.comment = "stanza type is case-sensitive: x25519 is an unknown type"; return f


@fixture
def x25519_bad_tag():
    f = File("x25519_bad_tag"); f.version()
    f.x25519(ID); f.file_key, real = b"another file key", f.file_key
    f.file_key = real
    lines = f.buf.split(b"\n")
    body = base64.b64decode(lines[2] + b"=")
    lines[2] = b64(body[:-1] + bytes([body[-1] ^ 1])).encode()
    f.buf = b"\n".join(lines); f.mac(); f.simple_payload(); f.expect = "no match"; return f


@fixture
def scrypt_wrong_passphrase():
    f = File("scrypt_wrong_passphrase"); f.version(); f.scrypt("password", record=False)
    f.passphrases.append("hunter2"); f.mac(); f.simple_payload(); f.expect = "no match"
    f.comment = "jadevault reports a refused passphrase as unauthenticated"; return f


# ---- payload failure -------------------------------------------------------------------
def payload_failure(name, build, comment):
    def make():
        f = basic(name); f.mac(); build(f); f.expect = "payload failure"; f.payload = b""
        f.comment = comment; return f
    FIXTURES.append(make)


payload_failure("stream_no_nonce", lambda f: None, "header only")
payload_failure("stream_short_nonce", lambda f: setattr(f, "buf", f.buf + f.rand(12)),
                "12-byte nonce")
payload_failure("stream_no_chunks", lambda f: f.nonce(), "nonce but no chunk")
payload_failure("stream_bad_tag", lambda f: (f.simple_payload(),
                                             setattr(f, "buf", f.buf[:-1] + bytes(
                                                 [f.buf[-1] ^ 0x20]))), "flipped tag bit")
payload_failure("stream_no_final", lambda f: (f.nonce(), f.chunk(b"age")),
                "the only chunk is not marked final")
payload_failure("stream_missing_tag", lambda f: (f.nonce(), setattr(f, "buf", f.buf + b"age")),
                "chunk shorter than a tag")
payload_failure("stream_trailing_garbage", lambda f: (f.simple_payload(),
                                                      setattr(f, "buf", f.buf + b"\x00")),
                "a byte after the final chunk")
payload_failure("stream_two_final_chunks", lambda f: (f.nonce(), f.chunk(b"age", final=True),
                                                      f.chunk(b"age", final=True)),
                "two chunks marked final")
payload_failure("stream_last_chunk_empty", lambda f: (f.nonce(), f.chunk(bytes(CHUNK)),
                                                      f.chunk(b"", final=True)),
                "empty final chunk after a full one")
payload_failure("stream_no_final_full", lambda f: (f.nonce(), f.chunk(bytes(CHUNK))),
                "a full chunk not marked final, then EOF")
payload_failure("stream_truncated_second_chunk", lambda f: (
    f.nonce(), f.chunk(bytes(CHUNK)), f.chunk(b"more", final=True),
    setattr(f, "buf", f.buf[:-3])), "second chunk cut short")


# ---- armor failure -----------------------------------------------------------------
def armor_failure(name, build, comment):
    def make():
        f = basic(name); f.mac(); f.simple_payload(); build(f); f.expect = "armor failure"
        f.armored = True; f.comment = comment; return f
    FIXTURES.append(make)


def lines_edit(f, i, fn):
    lines = f.buf.split(b"\n")
    lines[i] = fn(lines[i])
    f.buf = b"\n".join(lines)


armor_failure("armor_lowercase", lambda f: (f.armor(), setattr(f, "buf", f.buf.replace(
    b"BEGIN AGE ENCRYPTED FILE", b"BEGIN age encrypted file"))), "lower-case label")
armor_failure("armor_wrong_type", lambda f: (f.armor(), setattr(f, "buf", f.buf.replace(
    b"AGE ENCRYPTED FILE", b"AGE ENCRYPTED DATA"))), "wrong label")
armor_failure("armor_garbage_leading", lambda f: (f.armor(), setattr(f, "buf", b"x\n" + f.buf)),
              "text before BEGIN")
armor_failure("armor_garbage_trailing", lambda f: (f.armor(), setattr(f, "buf", f.buf + b"x\n")),
              "text after END")
armor_failure("armor_whitespace_eol", lambda f: (f.armor(), lines_edit(f, 1, lambda l: l + b" ")),
              "space at end of a base64 line")
armor_failure("armor_whitespace_line_start", lambda f: (f.armor(),
                                                        lines_edit(f, 1, lambda l: b" " + l)),
              "space at start of a base64 line")
armor_failure("armor_whitespace_begin", lambda f: (f.armor(),
                                                   lines_edit(f, 0, lambda l: b" " + l)),
              "space before BEGIN on its line")
armor_failure("armor_no_padding", lambda f: f.armor(pad=False), "missing = padding")
armor_failure("armor_long_line", lambda f: f.armor(wrap=68), "68-column lines")
armor_failure("armor_short_line", lambda f: f.armor(wrap=60), "60-column lines")
armor_failure("armor_no_end_line", lambda f: (f.armor(), setattr(f, "buf", f.buf.rsplit(
    b"-----END", 1)[0])), "END line missing")
armor_failure("armor_headers", lambda f: (f.armor(), setattr(f, "buf", f.buf.replace(
    b"-----\n", b"-----\nComment: hello\n\n", 1))), "RFC 4880 style headers")
armor_failure("armor_pgp_checksum", lambda f: (f.armor(), setattr(f, "buf", f.buf.replace(
    b"\n-----END", b"\n=AAAA\n-----END"))), "PGP checksum line")
armor_failure("armor_invalid_character", lambda f: (f.armor(), lines_edit(
    f, 1, lambda l: b"!" + l[1:])), "! in base64")
armor_failure("armor_empty_line", lambda f: (f.armor(), setattr(f, "buf", f.buf.replace(
    b"-----\n", b"-----\n\n", 1))), "empty line after BEGIN")


def armor_not_canonical(f):
    f.armor()
    lines = f.buf.split(b"\n")
    last = lines[-3]
    assert last.endswith(b"=")
    core = last.rstrip(b"=")
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    core = core[:-1] + bytes([alphabet[alphabet.index(core[-1]) + 1]])
    lines[-3] = core + b"=" * (len(last) - len(last.rstrip(b"=")))
    f.buf = b"\n".join(lines)


armor_failure("armor_not_canonical", armor_not_canonical, "non-zero padding bits")


@fixture
def armor_empty_last_line():
    f = full_line_file("armor_empty_last_line"); f.armor()
    f.buf = f.buf.replace(b"\n-----END", b"\n\n-----END")
    f.expect = "armor failure"; f.comment = "empty line after a full last line"; return f


if __name__ == "__main__":
    for make in FIXTURES:
        make().write()
    print("wrote %d fixtures" % len(FIXTURES))
