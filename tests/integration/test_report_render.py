"""End to end: the HTML reports render in a real headless Chromium (issue 8, Done-when 4).

A vault with synthetic customers (`jadevault datagen`), one recipient and an allocation produces
every HTML report in zh-CN and English and the impact assessment (the deletion certificate is
rendered the same way at the end of test_transfer_package.py, which shreds customers); each
page is loaded once in headless Chromium (browser.py) and must: show its title and the numbers
of the JSON version of the same report, keep its inline SVG charts in the DOM, print to a PDF of
at least one page, give a screenshot that is not blank, log nothing to the console, and show no
mobile or ID number of the import file.

Without Chromium the test skips, or fails when JV_REQUIRE_BROWSER=1 (scripts/test.sh).
"""
import os
import re
import shutil
import struct
import tempfile
import time
import unittest
import zlib

import browser
from jvtest import VaultTestCase

REPORTS = ("checklist", "summary", "inventory", "campaign", "ropa")


def ints_in(tables):
    """Every integer (not bool) cell of a JSON report's tables."""
    return {v for rows in tables.values() for row in rows for v in row.values()
            if isinstance(v, int) and not isinstance(v, bool)}


class PngDecoderTest(unittest.TestCase):
    """browser.png_stats decodes what it is given: a PNG built here with every filter type."""

    def encode(self, rows, width, filters):
        def chunk(kind, body):
            return (struct.pack(">I", len(body)) + kind + body
                    + struct.pack(">I", zlib.crc32(kind + body)))
        raw, prev = b"", bytes(width * 3)
        for row, f in zip(rows, filters):
            out = bytearray()
            for i, x in enumerate(row):
                a = row[i - 3] if i >= 3 else 0
                b = prev[i]
                c = prev[i - 3] if i >= 3 else 0
                p = a + b - c
                paeth = (a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c)
                         else (b if abs(p - b) <= abs(p - c) else c))
                pred = (0, a, b, (a + b) >> 1, paeth)[f]
                out.append((x - pred) & 255)
            raw += bytes([f]) + bytes(out)
            prev = row
        ihdr = struct.pack(">IIBBBBB", width, len(rows), 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

    def test_every_filter_round_trips(self):
        width = 7
        rows = [bytes((r * 37 + i * 11 + (i * r) % 5) & 255 for i in range(width * 3))
                for r in range(10)]
        png = self.encode(rows, width, [0, 1, 2, 3, 4, 4, 3, 2, 1, 0])
        self.assertEqual(browser._png_rows(png)[3], rows)
        stats = browser.png_stats(png)
        self.assertEqual((stats["width"], stats["height"]), (7, 10))
        self.assertTrue(all(v > 0 for v in stats["variance"]))

    def test_single_colour_image_is_blank(self):
        rows = [bytes([250, 10, 10]) * 5] * 4
        stats = browser.png_stats(self.encode(rows, 5, [1, 2, 4, 3]))
        self.assertEqual(stats["variance"], [0.0, 0.0, 0.0])
        self.assertEqual(stats["ink_rows"], 0)
        bad = bytearray(self.encode(rows, 5, [0, 0, 0, 0]))
        bad[-20] ^= 1  # inside IDAT: the chunk CRC no longer matches
        with self.assertRaises(RuntimeError):
            browser.png_stats(bytes(bad))


class BrowserHelperTest(unittest.TestCase):
    """The helper sees what a browser does: scripts run, console and exceptions are caught."""

    def setUp(self):
        browser.require_chromium(self)
        self.tmp = tempfile.mkdtemp(prefix="jv-browser-")
        self.page = os.path.join(self.tmp, "p.html")
        with open(self.page, "w", encoding="utf-8") as f:
            f.write('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head>'
                    '<body><h1>测试页 Test</h1><p id="x"></p><script>'
                    'document.getElementById("x").textContent = "算出 " + (6 * 7);'
                    'console.error("bad", 1); null.boom;</script></body></html>')

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_devtools_browser(self):
        with browser.Browser() as chromium:
            r = chromium.load(self.page)
            page = chromium.page("file://" + self.page)
            self.assertEqual(page.evaluate("document.title = 'x'; 1 + 2"), 3)
            self.assertEqual(page.wait_for("document.querySelector('h1').textContent"),
                             "测试页 Test")
            page.close()
        self.assertIn("算出 42", browser.dom_text(r.dom))
        self.assertEqual(r.console[0], "error: bad 1")
        self.assertTrue(r.console[1].startswith("exception: TypeError"), r.console)
        self.assertEqual(browser.pdf_pages(r.pdf), 1)
        self.assertGreater(browser.png_stats(r.png)["ink_rows"], 10)

    def test_command_line_render(self):
        r = browser.render(self.page, self.tmp)
        self.assertIn("算出 42", browser.dom_text(r.dom))
        self.assertTrue(any('"bad 1"' in line for line in r.console), r.console)
        self.assertTrue(any("Uncaught TypeError" in line for line in r.console), r.console)
        self.assertEqual(browser.pdf_pages(r.pdf), 1)
        self.assertGreater(browser.png_stats(r.png)["ink_rows"], 10)


class ReportRenderTest(browser.RenderAssertions, VaultTestCase):
    def path(self, name):
        return os.path.join(self.tmp, name)

    def setUp(self):
        super().setUp()
        browser.require_chromium(self)

    def test_every_html_report_renders_in_chromium(self):
        t0 = time.monotonic()
        self.init()
        csv = self.path("customers.csv")
        self.jv_ok("datagen", "--rows", "120", "--out", csv, "--seed", "3", "--json")
        self.jv_ok("import", csv, "--json")
        with open(csv, encoding="utf-8") as f:
            raw = f.read()
        forbidden = set(re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", raw))
        forbidden |= set(re.findall(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])", raw))
        self.assertGreater(len(forbidden), 50)  # the file does have mobiles and ID numbers
        self.jv_ok("transfer", "setup", "--reason", "merger", "--objection-days", "30", "--json")
        key = self.path("recipient-key.txt")
        self.jv_ok("age", "keygen", "-o", key)
        with open(key, encoding="utf-8") as f:
            age_pub = re.search(r"age1[0-9a-z]+", f.read()).group(0)
        rid = self.jv_ok("recipients", "add", "--name", "受让珠宝有限公司", "--uscc",
                         "91350100M000100Y43", "--contact-name", "王经理", "--contact-phone",
                         "01012345678", "--address", "北京某路1号", "--region", "CN",
                         "--age-recipient", age_pub, "--json").json()["id"]
        self.jv_ok("allocate", "--recipient", rid, "--all", "--json")
        self.jv_ok("notices", "plan", "--json")
        t_setup = time.monotonic() - t0

        jobs = []  # (html file, title, numbers, charts)
        for kind in REPORTS:
            doc = self.jv_ok("report", kind, "--json").json()
            numbers = ints_in(doc["tables"])
            self.assertTrue(numbers, kind)
            for lang, title in (("zh-CN", doc["title"]["zh"]), ("en", doc["title"]["en"])):
                out = self.path("%s.%s.html" % (kind, lang))
                self.jv_ok("report", kind, "--format", "html", "--lang", lang, "--out", out,
                           "--json")
                jobs.append((out, title, numbers, 1 if kind in ("checklist", "summary") else None))

        tmpl = self.path("pipia.json")
        with open(tmpl, "wb") as f:
            f.write(self.jv_ok("assess", "template", "--json").stdout)
        a = self.jv_ok("assess", "--answers", tmpl, "--html", self.path("pipia.html"),
                       "--json").json()
        jobs.append((self.path("pipia.html"), "个人信息保护影响评估",
                     [a["report"]["facts"]["subjects"]], None))
        t_files = time.monotonic() - t0

        t1 = time.monotonic()
        with browser.Browser() as chromium:
            pages = [chromium.load(j[0]) for j in jobs]
        t_browse = time.monotonic() - t1
        for (out, title, numbers, charts), page in zip(jobs, pages):
            self.assert_rendered(out, title, numbers, forbidden, charts, rendering=page)
        print("\n[report-render] %d pages: vault and HTML %.1f s (setup %.1f s); Chromium %.1f s "
              "(one browser, %.2f s a page); total %.1f s"
              % (len(pages), t_files, t_setup, t_browse,
                 sum(p.seconds for p in pages) / len(pages), time.monotonic() - t0))


if __name__ == "__main__":
    unittest.main()
