"""Random messy customer rows for the oracle test (test_import_oracle.py).

Every row is made from a small pool of synthetic people so that the §5.4 cases happen
often: the same customer with and without an ID number, in several spellings of the same
mobile, family members sharing a phone, e-mail-only returns, 15-digit and broken ID
numbers, minors at the 14-year edge, PII in notes, and cells in full-width forms or padded
with U+3000. All values are made up (IDs get a computed check character; cards a Luhn
digit) and belong to nobody. The generator knows nothing of the expected counts: the
oracle (ingest_oracle.py) works them out from the cells.
"""
import datetime
import random

from ingest_oracle import id_check_char, luhn_ok

# (field, header spellings: synonyms of SPEC §5.2 in the forms header matching must
# ignore — case, spaces, full-width)
COLUMNS = [
    ("member_no", ["会员卡号", "会员编号", "Member_No", "ＣＵＳＴＯＭＥＲ_ＩＤ"]),
    ("name", ["姓名", "客户姓名", " 顾客姓名 ", "NAME"]),
    ("gender", ["性别", "Gender"]),
    ("birth_date", ["出生日期", "生日", "DOB", "Birthday"]),
    ("id_number", ["身份证号", "身份证号码", "证件号码", "ID_Number"]),
    ("mobile", ["手机", "手机号码", "联系电话", "Mobile", "ＰＨＯＮＥ"]),
    ("email", ["邮箱", "电子邮箱", "Email", "ＥＭＡＩＬ"]),
    ("address", ["地址", "联系地址", "Address"]),
    ("store", ["门店", "开卡门店"]),
    ("bank_card", ["银行卡号", "退款账户", "Bank_Card"]),
    ("prepaid_balance", ["储值余额", "预存款", "Balance"]),
    ("notes", ["备注", "说明", "Notes"]),
]
FIELDS = [f for f, _ in COLUMNS]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂玉珍珠翠"
AREAS = ["110105", "310101", "440106", "510104", "330102", "820000", "710000", "810000"]


def full_width(s):
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def card_number(rnd, length):
    body = "62" + "".join(str(rnd.randint(0, 9)) for _ in range(length - 3))
    for d in "0123456789":
        if luhn_ok(body + d):
            return body + d
    raise AssertionError("unreachable")


class Person:
    def __init__(self, rnd, n, import_date):
        self.name = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (
            rnd.choice(GIVEN) if rnd.random() < 0.6 else "")
        r = rnd.random()
        if r < 0.08:  # a child, born either side of the 14th birthday
            born = import_date.replace(year=import_date.year - 14) + datetime.timedelta(
                days=rnd.choice([-1, 0, 1, 30, -30]))
        else:
            born = datetime.date(rnd.randint(1930, 2005), rnd.randint(1, 12), rnd.randint(1, 28))
        self.born = born
        first17 = "%s%04d%02d%02d%03d" % (rnd.choice(AREAS), born.year, born.month, born.day,
                                          rnd.randint(0, 999))
        self.id18 = first17 + id_check_char(first17)
        self.id15 = first17[:6] + first17[8:17] if born.year < 2000 else None
        self.mobile = "1%d%09d" % (rnd.choice([3, 5, 7, 8, 9]), rnd.randint(0, 10 ** 9 - 1))
        self.email = "c%d.%s@example.com" % (n, rnd.choice(["vip", "mail", "x"]))
        self.card = card_number(rnd, rnd.choice([16, 19]))
        self.member = "VIP%06d" % n


def _pad(rnd, s):
    r = rnd.random()
    if r < 0.05:
        return "\u3000" + s
    if r < 0.1:
        return " " + s + " "
    if r < 0.12:  # a line separator: Unicode white space that NFKC keeps
        return s + "\u2028"
    if r < 0.14:  # a carriage return: Excel and XlsxWriter store it as "_x000D_"
        return s + "\r"
    return s


def mobile_spelling(rnd, m):
    return rnd.choice([
        m, m, m, "%s %s %s" % (m[:3], m[3:7], m[7:]), "%s-%s-%s" % (m[:3], m[3:7], m[7:]),
        "+86 " + m, "+86-" + m, "0086" + m, "86" + m, "(+86)" + m, full_width(m),
    ])


def id_spelling(rnd, p, import_date):
    r = rnd.random()
    if r < 0.55:
        s = p.id18
        if s.endswith("X") and rnd.random() < 0.5:
            s = s[:-1] + "x"
        if rnd.random() < 0.1:
            s = s[:6] + " " + s[6:14] + " " + s[14:]
        if rnd.random() < 0.1:
            s = full_width(s)
        return s
    if r < 0.65 and p.id15:
        return p.id15
    if r < 0.72:  # a wrong check character alone
        return p.id18[:17] + ("0" if p.id18[17] != "0" else "1")
    if r < 0.77:
        return rnd.choice(["4.40106E+17", "1.10105E+17", "4.4E17", "3.10101199E+17"])
    if r < 0.80:  # unknown province, right check character
        first17 = "99" + p.id18[2:17]
        return first17 + id_check_char(first17)
    if r < 0.83:  # born after the import date, right check character
        first17 = p.id18[:6] + "%04d0101" % (import_date.year + 1) + p.id18[14:17]
        return first17 + id_check_char(first17)
    if r < 0.85:  # an impossible date and a wrong check character
        return p.id18[:10] + "0230" + p.id18[14:17] + "0"
    if r < 0.87:  # 15 digits with an impossible date
        return p.id18[:6] + "801301" + p.id18[14:17]
    if r < 0.89:
        return rnd.choice(["ABC123", "11010519900307", "身份证遗失"])
    return ""


def date_spelling(rnd, d):
    return rnd.choice([
        d.strftime("%Y-%m-%d"), "%d/%d/%d" % (d.year, d.month, d.day),
        "%d.%d.%d" % (d.year, d.month, d.day), d.strftime("%Y%m%d"),
        "%d年%d月%d日" % (d.year, d.month, d.day),
    ])


def notes_text(rnd, p, import_date):
    r = rnd.random()
    if r < 0.6:
        return ""
    return rnd.choice([
        "老客户", "回访%s" % p.mobile, "电话：%s，下午联系" % full_width(p.mobile),
        "证件%s已核" % p.id18, "退款卡%s" % p.card, "邮件 %s 已发" % p.email,
        "订单号8%s" % p.mobile,            # the mobile inside a longer digit run
        "流水%s9" % p.card,                # a card inside a longer digit run
        "维修戒指，手寸12", "第一行\n第二行，含\"引号\"", "金额1,234.50元",
        "电话%s" % p.mobile[:10],           # ten digits: not a mobile
        "单号%s-%s" % (p.card[:8], p.card[8:]),  # two digit runs of 8: no card
    ])


def make_rows(seed, n, import_date):
    """`n` rows of len(FIELDS) cells (strings, '' = empty), reproducible from `seed`."""
    rnd = random.Random(seed)
    people = []
    rows = []
    for i in range(n):
        if people and rnd.random() < 0.35:
            p = rnd.choice(people)
        else:
            p = Person(rnd, len(people), import_date)
            if people and rnd.random() < 0.12:  # family: a phone or mailbox shared
                other = rnd.choice(people)
                if rnd.random() < 0.7:
                    p.mobile = other.mobile
                else:
                    p.email = other.email
            people.append(p)
        row = dict.fromkeys(FIELDS, "")
        if rnd.random() < 0.03:  # nothing identifying: rejected
            row["gender"] = rnd.choice(["男", "女"])
            row["store"] = rnd.choice(["朝阳店", " ", "\u3000"])
            row["name"] = rnd.choice(["", " ", "\u3000"])
            rows.append([row[f] for f in FIELDS])
            continue
        row["name"] = _pad(rnd, p.name) if rnd.random() < 0.85 else ""
        row["member_no"] = p.member if rnd.random() < 0.4 else ""
        row["gender"] = rnd.choice(["男", "女", "", "M"])
        row["id_number"] = _pad(rnd, id_spelling(rnd, p, import_date)) if rnd.random() < 0.7 else ""
        r = rnd.random()
        if r < 0.75:
            row["mobile"] = _pad(rnd, mobile_spelling(rnd, p.mobile))
        elif r < 0.8:
            row["mobile"] = rnd.choice(["1380013800", "12345678901", "138001380001", "无"])
        r = rnd.random()
        if r < 0.35:
            row["email"] = rnd.choice([p.email, p.email.upper(), full_width(p.email)])
        elif r < 0.38:
            row["email"] = rnd.choice(["abc@", "a@b", "x@y.c", "无邮箱"])
        r = rnd.random()
        if r < 0.3:
            row["birth_date"] = date_spelling(rnd, p.born)
        elif r < 0.33:
            row["birth_date"] = rnd.choice([
                "1990-02-30", "不详", "2001-13-01",
                # Real days in spellings §5.3 does not list: invalid.
                "%d-%d-%d" % (p.born.year, rnd.randint(1, 9), rnd.randint(1, 9)),
                p.born.strftime("%Y-%m-%d") + " 14:32:10",
            ])
        elif r < 0.34:  # after the import date: age < 0, so "< 14" (a minor)
            row["birth_date"] = (import_date + datetime.timedelta(days=rnd.randint(1, 900))).strftime(
                "%Y-%m-%d")
        row["address"] = "北京市朝阳区某路%d号" % rnd.randint(1, 999) if rnd.random() < 0.3 else ""
        row["store"] = rnd.choice(["朝阳店", "海淀店", ""])
        r = rnd.random()
        if r < 0.2:
            c = p.card
            row["bank_card"] = rnd.choice([c, " ".join(c[i:i + 4] for i in range(0, len(c), 4)),
                                           c[:6] + "-" + c[6:]])
        elif r < 0.23:
            row["bank_card"] = rnd.choice([p.card[:-1] + str((int(p.card[-1]) + 1) % 10),
                                           "123456789012"])
        r = rnd.random()
        if r < 0.3:
            row["prepaid_balance"] = rnd.choice([
                "%d" % rnd.randint(0, 99999), "%d.%02d" % (rnd.randint(0, 9999), rnd.randint(0, 99)),
                "¥%s" % format(rnd.randint(1000, 999999), ","), "%d元" % rnd.randint(1, 999),
                "%s.5" % format(rnd.randint(1000, 99999), ","), "一百元", "12.3.4"])
        row["notes"] = notes_text(rnd, p, import_date)
        rows.append([row[f] for f in FIELDS])
    return rows


def header(seed):
    rnd = random.Random(seed * 7919 + 1)
    return [rnd.choice(spellings) for _, spellings in COLUMNS]
