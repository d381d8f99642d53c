"""Drives a real headless Chromium from the integration tests (issue 8; reusable for issue 6).

Browser() starts one Chromium driven over the DevTools protocol (--remote-debugging-pipe) and
load()s many pages into it (about 1 s a page instead of 3 s): the DOM after the load event, a
PDF, a screenshot and the page's console calls, uncaught exceptions and log entries. Page
(Browser.page) evaluates scripts and waits for them, for the browser UI tests of issue 6.

render(target, out_dir) is the one-shot command-line form: one `chromium --headless=new`
process loads `target` (a file path or a URL), lets its scripts run, and writes, as asked: the
serialized DOM (--dump-dom), a PDF (--print-to-pdf) and a PNG screenshot (--screenshot,
1280x900 by default); the console messages come from Chromium's log (--enable-logging=stderr).
Every browser gets a fresh temporary --user-data-dir and a timeout; a failed or timed-out run
raises BrowserError (render) or CdpError (Browser).

The checks are deliberately simple and in pure Python (no PIL, no numpy):
  pdf_pages(bytes)   -> page count of a PDF (RuntimeError if it is not a PDF),
  png_stats(bytes)   -> size, per-channel pixel variance and "ink" rows of a PNG, decoded with
                        zlib (8-bit RGB/RGBA/grey; what Chromium writes),
  dom_text(html)     -> the visible text of a DOM dump (tags, scripts and styles removed).

RenderAssertions is a TestCase mixin whose assert_rendered() does all of it for one page:
title in the <h1>, the given values (numbers, hashes) in a table cell or the text, the
source's <svg> charts in the DOM, PDF >= 1 page, screenshot not blank, no console message,
none of the given forbidden strings in the DOM (counted, never printed).

find_chromium() returns the browser's path or None; require_chromium(testcase) skips the test
with a message when it is missing, or fails it when JV_REQUIRE_BROWSER=1 (scripts/test.sh).
Thread-safety: a Browser may be used from one thread at a time (its reader thread is
internal); render() is safe in parallel if each call has its own file names.
"""
import base64
import collections
import fcntl
import html
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import threading
import time
import zlib

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Flags that make headless Chromium work as root in a container without a GPU, a D-Bus
# session, a sandbox-capable kernel or a big /dev/shm, and keep it off the network.
BASE_FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio", "--enable-logging=stderr", "--v=0",
)


class BrowserError(RuntimeError):
    pass


class Rendering:
    """What one render() produced. dom: str or None; pdf/png: bytes or None (also saved at
    pdf_path/png_path); console: list of the page's console messages; seconds: wall time."""

    def __init__(self, dom, pdf_path, png_path, console, seconds, pdf=None, png=None):
        self.dom = dom
        self.pdf_path = pdf_path
        self.png_path = png_path
        self.pdf = pdf if pdf is not None else _read(pdf_path)
        self.png = png if png is not None else _read(png_path)
        self.console = console
        self.seconds = seconds


def _read(path):
    if path is None:
        return None
    with open(path, "rb") as f:
        return f.read()


def find_chromium():
    env = os.environ.get("JV_CHROMIUM")
    if env:
        return env if shutil.which(env) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium(testcase):
    """The browser's path; skips `testcase` without one, or fails it if JV_REQUIRE_BROWSER=1."""
    path = find_chromium()
    if path is None:
        msg = ("needs headless Chromium (Debian package `chromium`, installed by "
               "scripts/install-deps.sh)")
        if os.environ.get("JV_REQUIRE_BROWSER") == "1":
            testcase.fail(msg + "; JV_REQUIRE_BROWSER=1 forbids skipping")
        testcase.skipTest(msg)
    return path


_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)$")


def render(target, out_dir, name="page", dom=True, pdf=True, screenshot=True,
           window_size=(1280, 900), timeout=60, chromium=None):
    """Loads `target` in headless Chromium once and returns a Rendering."""
    chromium = chromium or find_chromium()
    if chromium is None:
        raise BrowserError("no Chromium found")
    url = target if re.match(r"^[a-z]+:", target) else "file://" + os.path.abspath(target)
    pdf_path = os.path.join(out_dir, name + ".pdf") if pdf else None
    png_path = os.path.join(out_dir, name + ".png") if screenshot else None
    for p in (pdf_path, png_path):
        if p and os.path.exists(p):
            os.unlink(p)
    profile = tempfile.mkdtemp(prefix="jv-chromium-")
    args = [chromium, *BASE_FLAGS, "--user-data-dir=" + profile,
            "--window-size=%d,%d" % window_size]
    if dom:
        args.append("--dump-dom")
    if pdf:
        args += ["--print-to-pdf=" + pdf_path, "--no-pdf-header-footer"]
    if screenshot:
        args.append("--screenshot=" + png_path)
    args.append(url)
    t0 = time.monotonic()
    try:
        proc = subprocess.run(args, capture_output=True, timeout=timeout,
                              env=dict(os.environ, LANG="C.UTF-8"))
    except subprocess.TimeoutExpired as e:
        raise BrowserError("chromium timed out after %d s on %s" % (timeout, url)) from e
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    seconds = time.monotonic() - t0
    log = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise BrowserError("chromium exited %d on %s:\n%s"
                           % (proc.returncode, url, "\n".join(log.splitlines()[-15:])))
    for p in (pdf_path, png_path):
        if p and not os.path.exists(p):
            raise BrowserError("chromium wrote no %s for %s:\n%s"
                               % (p, url, "\n".join(log.splitlines()[-15:])))
    console = [m.group(1) for m in map(_CONSOLE.search, log.splitlines()) if m]
    return Rendering(proc.stdout.decode("utf-8") if dom else None, pdf_path, png_path,
                     console, seconds)


def render_file(html_file):
    """render() of a local file, the outputs beside it as <name>.chromium.pdf/.png."""
    name = os.path.splitext(os.path.basename(html_file))[0]
    return render(html_file, os.path.dirname(os.path.abspath(html_file)),
                  name=name + ".chromium")


class CdpError(RuntimeError):
    pass


class Browser:
    """One headless Chromium driven over the DevTools protocol (--remote-debugging-pipe: JSON
    messages ending in NUL on fds 3 and 4). load() opens a page, waits for its load event and
    returns a Rendering whose console holds "level: text" for every console call, uncaught
    exception and browser log entry (refused or failed loads) of that page; page() returns a
    Page for tests that click and type (issue 6). Use as a context manager; call() raises
    CdpError on a protocol error or after `timeout` seconds without an answer."""

    def __init__(self, chromium=None, timeout=30):
        chromium = chromium or find_chromium()
        if chromium is None:
            raise BrowserError("no Chromium found")
        flags = [f for f in BASE_FLAGS if not f.startswith(("--enable-logging", "--v="))]
        self.timeout = timeout
        self.closed = False
        self.profile = tempfile.mkdtemp(prefix="jv-chromium-")
        to_r, to_w = os.pipe()
        from_r, from_w = os.pipe()
        # Out of the way of 3 and 4, which the child needs.
        hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.close(to_r)
        os.close(from_w)

        def child():  # runs in the child between fork and exec
            os.dup2(hi_r, 3)
            os.dup2(hi_w, 4)
        self.proc = subprocess.Popen(
            [chromium, *flags, "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
             "about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=child, pass_fds=(3, 4))
        os.close(hi_r); os.close(hi_w)
        self.w = to_w
        self.r = from_r
        self.next_id = 0
        self.replies = {}
        self.events = []
        self.cv = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.r, 1 << 16)
            if not chunk:
                break
            buf += chunk
            while b"\0" in buf:
                msg, buf = buf.split(b"\0", 1)
                m = json.loads(msg)
                with self.cv:
                    if "id" in m:
                        self.replies[m["id"]] = m
                    else:
                        self.events.append(m)
                    self.cv.notify_all()
        with self.cv:
            self.closed = True
            self.cv.notify_all()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def call(self, method, params=None, session=None):
        with self.cv:
            self.next_id += 1
            i = self.next_id
        msg = {"id": i, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        with self.cv:
            while i not in self.replies:
                left = deadline - time.monotonic()
                if left <= 0 or self.closed:
                    raise CdpError("%s: no reply" % method)
                self.cv.wait(left)
            m = self.replies.pop(i)
        if "error" in m:
            raise CdpError("%s: %s" % (method, m["error"]))
        return m["result"]

    def wait_event(self, method, session, start):
        deadline = time.monotonic() + self.timeout
        with self.cv:
            while True:
                for e in self.events[start:]:
                    if e.get("method") == method and e.get("sessionId") == session:
                        return e
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CdpError("no %s" % method)
                self.cv.wait(left)

    def close(self):
        try:
            self.call("Browser.close")
        except CdpError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.w)
        os.close(self.r)
        shutil.rmtree(self.profile, ignore_errors=True)

    def page(self, url, width=1280, height=900):
        """Opens url in a new tab of width x height CSS pixels; returns the loaded Page."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})
        page = Page(self, target, session["sessionId"])
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable", session=page.session)
        self.call("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                  "deviceScaleFactor": 1, "mobile": False}, session=page.session)
        page.navigate(url)
        return page

    def load(self, target, pdf=True, screenshot=True):
        """A Rendering of a file path or URL: DOM after the load event, PDF, screenshot."""
        t0 = time.monotonic()
        url = target if re.match(r"^[a-z]+:", target) else "file://" + os.path.abspath(target)
        page = self.page(url)
        try:
            dom = page.evaluate("document.documentElement.outerHTML")
            pdf_bytes = page.pdf() if pdf else None
            png_bytes = page.screenshot() if screenshot else None
            console = page.console()
        finally:
            page.close()
        return Rendering("<!DOCTYPE html>\n" + dom, None, None, console,
                         time.monotonic() - t0, pdf=pdf_bytes, png=png_bytes)


class Page:
    """One tab of a Browser, attached in flat session mode."""

    def __init__(self, browser, target, session):
        self.browser = browser
        self.target = target
        self.session = session
        self.first_event = len(browser.events)

    def call(self, method, params=None):
        return self.browser.call(method, params, session=self.session)

    def navigate(self, url):
        start = len(self.browser.events)
        reply = self.call("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise CdpError("cannot load %s: %s" % (url, reply["errorText"]))
        self.browser.wait_event("Page.loadEventFired", self.session, start)

    def evaluate(self, expression):
        """The JSON value of a JavaScript expression (awaits promises); CdpError if it threw."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CdpError("%s threw: %s" % (expression[:60], r["exceptionDetails"].get("text")))
        return r["result"].get("value")

    def wait_for(self, expression, timeout=10):
        """Polls a JavaScript expression until it is truthy; returns its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CdpError("timed out waiting for %s" % expression[:60])
            time.sleep(0.05)

    def pdf(self):
        return base64.b64decode(self.call("Page.printToPDF", {"printBackground": True})["data"])

    def screenshot(self):
        return base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])

    def console(self):
        """"level: text" of every console call, uncaught exception and log entry so far."""
        out = []
        with self.browser.cv:
            events = [e for e in self.browser.events[self.first_event:]
                      if e.get("sessionId") == self.session]
        for e in events:
            p = e.get("params", {})
            if e["method"] == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
                out.append("%s: %s" % (p["type"], text))
            elif e["method"] == "Runtime.exceptionThrown":
                d = p["exceptionDetails"]
                out.append("exception: %s" % d.get("exception", {}).get("description",
                                                                         d.get("text")))
            elif e["method"] == "Log.entryAdded":
                out.append("%s: %s" % (p["entry"]["level"], p["entry"]["text"]))
        return out

    def close(self):
        self.browser.call("Target.closeTarget", {"targetId": self.target})


# --- checks -----------------------------------------------------------------------------------

def dom_text(dom):
    """The visible text of a serialized DOM, whitespace collapsed."""
    s = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", dom)
    s = re.sub(r"(?s)<[^>]*>", " ", s)
    return re.sub(r"\s+", " ", html.unescape(s)).strip()


def pdf_pages(data):
    """Number of pages of a PDF as Chromium writes it (page objects are not compressed)."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise RuntimeError("not a complete PDF")
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", data))


def _png_rows(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]:
            raise RuntimeError("PNG chunk CRC mismatch")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + n
    width, height, depth, ctype, _, _, interlace = ihdr
    channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(ctype)
    if depth != 8 or channels is None or interlace:
        raise RuntimeError("unsupported PNG (depth %d, colour type %d, interlace %d)"
                           % (depth, ctype, interlace))
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise RuntimeError("PNG data has the wrong length")
    return width, height, channels, _unfilter(raw, width, height, channels)


def _add_bytes(a, b, n):
    """Bytewise (a + b) mod 256 of two n-byte strings, via big-integer SWAR (fast in CPython)."""
    lo, hi = int.from_bytes(b"\x7f" * n, "big"), int.from_bytes(b"\x80" * n, "big")
    x, y = int.from_bytes(a, "big"), int.from_bytes(b, "big")
    return (((x & lo) + (y & lo)) ^ ((x ^ y) & hi)).to_bytes(n, "big")


def _unfilter(raw, width, height, bpp):
    stride = width * bpp
    prev = bytes(stride)
    rows = []
    for r in range(height):
        f = raw[r * (stride + 1)]
        cur = raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)]
        if f == 1:  # Sub: prefix sums with step bpp, by doubling
            shift = bpp
            while shift < stride:
                cur = _add_bytes(cur, bytes(shift) + cur[:stride - shift], stride)
                shift *= 2
        elif f == 2:  # Up
            cur = _add_bytes(cur, prev, stride)
        elif f in (3, 4):  # Average, Paeth: sequential
            out = bytearray(cur)
            for i in range(stride):
                a = out[i - bpp] if i >= bpp else 0
                b = prev[i]
                if f == 3:
                    out[i] = (out[i] + ((a + b) >> 1)) & 255
                else:
                    c = prev[i - bpp] if i >= bpp else 0
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                    out[i] = (out[i] + pred) & 255
            cur = bytes(out)
        elif f != 0:
            raise RuntimeError("bad PNG filter %d" % f)
        rows.append(cur)
        prev = cur
    return rows


def png_stats(data):
    """{'width', 'height', 'variance': [per channel], 'ink_rows', 'distinct_rows'} of a PNG.
    ink_rows counts rows that are not entirely the top-left pixel's colour; a blank or
    single-colour image has variance 0 in every channel and no ink rows. The variance is taken
    over every 4th row (the first included), which keeps it fast on a 1280x900 screenshot."""
    width, height, channels, rows = _png_rows(data)
    background = rows[0][:channels] * width
    ink = sum(1 for r in rows if r != background)
    pixels = b"".join(rows[::4])
    variance = []
    for c in range(channels):
        hist = collections.Counter(pixels[c::channels])
        n = sum(hist.values())
        mean = sum(v * k for v, k in hist.items()) / n
        variance.append(sum(k * (v - mean) ** 2 for v, k in hist.items()) / n)
    return {"width": width, "height": height, "variance": variance, "ink_rows": ink,
            "distinct_rows": len(set(rows))}


class RenderAssertions:
    """Mixin for unittest.TestCase: assert_rendered(html_file, title, numbers, forbidden,
    charts) loads a page in Chromium and checks that it rendered (see the method)."""

    def assert_rendered(self, html_file, title, numbers, forbidden, charts=None, rendering=None):
        """Checks `rendering` (by default: loads html_file in Chromium now); returns it."""
        r = rendering or render_file(html_file)
        label = os.path.basename(html_file)
        text = dom_text(r.dom)
        h1 = re.search(r"(?s)<h1[^>]*>(.*?)</h1>", r.dom)
        self.assertIsNotNone(h1, label)
        self.assertIn(title, dom_text(h1.group(1)), label)
        cells = {dom_text(c) for c in re.findall(r"(?s)<td[^>]*>(.*?)</td>", r.dom)}
        for n in numbers:
            self.assertTrue(str(n) in cells or str(n) in text, (label, n))
        with open(html_file, encoding="utf-8") as f:
            source_svgs = f.read().count("<svg")
        dom_svgs = re.findall(r"(?s)<svg\b.*?</svg>", r.dom)
        self.assertEqual(len(dom_svgs), source_svgs, label)
        if charts:
            self.assertGreaterEqual(len(dom_svgs), charts, label)
            self.assertTrue(all("<rect" in s for s in dom_svgs), label)
        self.assertGreaterEqual(pdf_pages(r.pdf), 1, label)
        png = png_stats(r.png)
        self.assertEqual((png["width"], png["height"]), (1280, 900), label)
        self.assertGreater(max(png["variance"]), 1.0, label)
        self.assertGreaterEqual(png["ink_rows"], 20, label)
        self.assertEqual(r.console, [], label)
        # Counted, never printed: the values are (synthetic) personal information.
        leaked = sum(1 for x in forbidden if x in r.dom)
        self.assertEqual(leaked, 0, "%s shows %d numbers of the import file" % (label, leaked))
        return r
