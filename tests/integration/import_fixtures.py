"""Synthetic customer exports for the import tests (issue 3), in every format SPEC §5.1 names.

All identifiers are made up: ID numbers get a computed ISO 7064 check digit, so they are
valid-looking but belong to nobody. The hand-made file below has known §5.5 counts (worked
out row by row in the comments); `generated_rows` makes larger files for the crash test.
"""
import io
import random
import zipfile
from xml.sax.saxutils import escape

from ingest_oracle import id_check_char


def make_id(first17):
    """`first17` + its GB 11643 (ISO 7064 MOD 11-2) check character."""
    return first17 + id_check_char(first17)


def wrong_check(id18):
    return id18[:17] + ("1" if id18[17] == "0" else "0")


ID_A = make_id("11010519900307123")      # 1990-03-07, Beijing Chaoyang
ID_B15 = "110105800101123"               # 15 digits -> converted
ID_B18 = make_id("11010519800101123")
ID_MINOR = make_id("11010520120501234")  # 13 years old on 2025-06-30
ID_C = make_id("44010619851111345")
ID_D = make_id("31010119770707456")

IMPORT_DATE = "2025-06-30"

HEADER = ["会员卡号", "姓名", "性别", "出生日期", "身份证号", "手机", "邮箱", "地址", "门店", "积分",
          "储值余额", "备注"]

# Rows valid in every format (XLSX cannot express a short row or an all-empty row).
#   1 new S1; 2 new S2 (15-digit ID, notes hold a mobile); 3 bad check digit, S1's mobile ->
#   joins S1; 4 Excel-mangled ID -> new S3; 5 nothing identifying -> rejected; 6 a minor
#   (birth-date column disagrees with the ID) -> S4; 7 new ID with S1's mobile -> S5,
#   shared_contact; 8 no ID -> S6; 9 ID D with S6's mobile -> joins S6 (takes the ID);
#   10 S6's e-mail in capitals -> joins S6; 11 name only, a two-line note -> S7.
ROWS = [
    ["VIP001", "张三", "男", "1990-03-07", ID_A, "138 0013 8000", "zs@example.com",
     "北京市朝阳区建国路88号", "朝阳店", "1200", "¥1,234.50", "老客户"],
    ["VIP002", "李四", "女", "", ID_B15, "+86 139-0013-9000", "", "广东省广州市天河区体育西路1号",
     "天河店", "", "", "电话13900139001"],
    ["", "王五", "", "", wrong_check(ID_A), "13800138000", "", "", "", "", "", ""],
    ["", "赵六", "", "", "4.40106E+17", "", "", "", "", "", "", ""],
    ["", "", "女", "", "", "", "", "", "朝阳店", "", "", ""],
    ["", "小明", "", "2015-01-01", ID_MINOR, "13700137000", "", "", "", "", "", ""],
    ["", "周八", "", "", ID_C, "13800138000", "", "", "", "", "", ""],
    ["", "吴九", "", "", "", "15000150000", "wu@example.com", "", "", "", "", ""],
    ["", "", "", "", ID_D, "１５０００１５００００", "", "", "", "", "", ""],
    ["", "", "", "", "", "", "WU@Example.com", "", "", "", "", ""],
    ["", "郑十", "", "", "", "", "", "", "", "", "", "第一行\n第二行"],
]

EXPECTED = {
    "rows_read": 11, "rows_rejected": 1, "rows_imported": 10, "subjects_created": 7,
    "rows_merged": 3, "shared_contact": 1, "minors": 1, "free_text_pii": 1,
    "id_number": {"valid": 5, "converted15": 1, "bad_checksum": 1, "excel_mangled": 1,
                  "invalid": 2},
    "fields": {"id_number": {"present": 7, "valid": 5, "invalid": 2},
               "mobile": {"present": 7, "valid": 7, "invalid": 0},
               "email": {"present": 3, "valid": 3, "invalid": 0},
               "name": {"present": 8, "valid": 8, "invalid": 0}},
}

# Values that must never appear in the vault files.
SECRETS = ["张三", "王五", "周八", "吴九", "13800138000", "13900139000", "15000150000", ID_A, ID_B18,
           ID_B15, ID_C, ID_D, ID_MINOR, "zs@example.com", "wu@example.com", "建国路", "体育西路",
           "VIP001", "第二行"]


def _csv_cell(v):
    if any(c in v for c in ',"\r\n'):
        return '"' + v.replace('"', '""') + '"'
    return v


def csv_text(rows, header=HEADER, newline="\r\n"):
    lines = [",".join(_csv_cell(c) for c in header)]
    for r in rows:
        lines.append(",".join(_csv_cell(c.replace("\n", newline)) for c in r))
    return newline.join(lines) + newline


def csv_utf8_bom_crlf(extra_rows=()):
    return b"\xef\xbb\xbf" + csv_text(list(ROWS) + list(extra_rows)).encode("utf-8")


def csv_gb18030(extra_rows=()):
    return csv_text(list(ROWS) + list(extra_rows)).encode("gb18030")


def xlsx_shared_strings(path, rows=ROWS, header=HEADER, cell=None):
    """A workbook written by XlsxWriter, whose strings go to the shared-strings table
    (Debian's openpyxl 3.0 writes inline strings instead). `cell(ws, row, col, value)`
    may write a value itself (a number, a date) and return True. Checks that the file
    really has the table, so that a test relying on it cannot silently lose its point."""
    import xlsxwriter  # python3-xlsxwriter
    import zipfile
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("客户")
    for c, h in enumerate(header):
        ws.write_string(0, c, h)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            if cell is not None and cell(wb, ws, r, c, v):
                continue
            if v != "":
                ws.write_string(r, c, v)
    wb.close()
    with zipfile.ZipFile(path) as z:
        assert "xl/sharedStrings.xml" in z.namelist(), "no shared-strings table"
        assert b't="s"' in z.read("xl/worksheets/sheet1.xml"), "no shared-string cell"


def _col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_inline_strings(path, rows=ROWS, header=HEADER):
    """A hand-built workbook whose cells are inline strings (t="inlineStr"), no
    sharedStrings.xml and no styles.xml, as streaming writers produce."""
    sheet = io.StringIO()
    sheet.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                '<sheetData>')
    for rn, r in enumerate([header] + list(rows), start=1):
        sheet.write(f'<row r="{rn}">')
        for ci, v in enumerate(r):
            if v == "":
                continue
            sheet.write(f'<c r="{_col(ci)}{rn}" t="inlineStr"><is><t xml:space="preserve">'
                        f'{escape(v)}</t></is></c>')
        sheet.write("</row>")
    sheet.write("</sheetData></worksheet>")
    files = {
        "[Content_Types].xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>',
        "_rels/.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))


def generated_rows(n, seed=7):
    """`n` customer rows with repeats, shared phones, 15-digit and broken IDs, minors."""
    rnd = random.Random(seed)
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
    given = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
    people = []
    rows = []
    for i in range(n):
        if people and rnd.random() < 0.25:
            p = rnd.choice(people)  # the same customer again, maybe partly
            row = list(p)
            if rnd.random() < 0.5:
                row[4] = ""  # without ID: matched by mobile
            if rnd.random() < 0.2:
                row[1] = row[1] + "某"
            rows.append(row)
            continue
        year = rnd.choice([1950, 1965, 1980, 1992, 2000, 2013, 2016])
        first17 = "110105%04d%02d%02d%03d" % (year, rnd.randint(1, 12), rnd.randint(1, 28),
                                              rnd.randint(0, 999))
        idn = make_id(first17)
        r = rnd.random()
        if r < 0.05:
            idn = wrong_check(idn)
        elif r < 0.08:
            idn = "4.40106E+17"
        elif r < 0.12:
            idn = first17[:6] + first17[8:17]  # 15 digits
        elif r < 0.2:
            idn = ""
        mobile = "1%d%09d" % (rnd.choice([3, 5, 8]), rnd.randint(0, 10 ** 9 - 1))
        if people and rnd.random() < 0.05:
            mobile = rnd.choice(people)[5]  # a family member's phone
        email = "c%d@example.com" % i if rnd.random() < 0.3 else ""
        name = rnd.choice(surnames) + rnd.choice(given) + (rnd.choice(given) if rnd.random() < .5 else "")
        notes = "回访 %s" % mobile if rnd.random() < 0.05 else ""
        row = ["M%06d" % i, name, rnd.choice(["男", "女", ""]), "", idn, mobile, email,
               "北京市朝阳区某路%d号" % i, rnd.choice(["朝阳店", "海淀店"]), str(rnd.randint(0, 5000)),
               "%d.%02d" % (rnd.randint(0, 9999), rnd.randint(0, 99)), notes]
        if rnd.random() < 0.01:
            rows.append(row[:5])  # a short row: rejected
            continue
        people.append(row)
        rows.append(row)
    return rows
