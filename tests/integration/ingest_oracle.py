"""An independent model of SPEC §5.3-5.4: the import report a customers file must give.

Written from the SPEC's text alone, in Python, sharing nothing with the C++ importer: its
own NFKC (`unicodedata`), its own validators and its own subject resolver. The oracle test
(test_import_oracle.py) feeds it and the real binary the same randomly generated rows,
written by other tools (Python's csv module, openpyxl, a hand-built inline-strings
workbook), and compares every §5.5 count. Where the SPEC leaves a reading open the choice is
written next to the code, and the generator keeps to cases the SPEC decides.
"""
import datetime
import os
import re
import unicodedata

_HERE = os.path.dirname(os.path.abspath(__file__))
_PROVINCES_CSV = os.path.join(_HERE, "..", "..", "data", "divisions", "provinces.csv")


def _load_provinces():
    codes = {"71", "81", "82", "83"}  # §5.3: provinces.csv plus Taiwan, Hong Kong, Macao
    with open(_PROVINCES_CSV, encoding="utf-8") as f:
        next(f)
        for line in f:
            code = line.split(",", 1)[0].strip()
            if code:
                codes.add(code)
    return codes


PROVINCES = _load_provinces()

# The six fields of which a row needs at least one (§5.4).
IDENTIFYING = ("name", "mobile", "id_number", "email", "address", "member_no")

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def id_check_char(first17):
    """GB 11643 / ISO 7064 MOD 11-2 check character of 17 digits."""
    return _ID_CHECK[sum(int(a) * w for a, w in zip(first17, _ID_WEIGHTS)) % 11]


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def normalize_cell(value):
    """§5.3 'Every cell': NFKC, then trim white space (U+3000 included). '' = not present."""
    return unicodedata.normalize("NFKC", value).strip()


def _date(y, m, d):
    try:
        return datetime.date(y, m, d)
    except ValueError:
        return None


def mobile(cell):
    """Canonical 11-digit mobile, or None if invalid."""
    s = re.sub(r"[ \-()]", "", cell)
    for prefix in ("+86", "0086", "86"):
        if s.startswith(prefix) and len(s) - len(prefix) == 11:
            s = s[len(prefix):]
            break
    return s if re.fullmatch(r"1[3-9][0-9]{9}", s) else None


class IdResult:
    """Outcome of one id_number cell: `canonical` (18 characters) when valid, else None;
    `kind` one of 'valid', 'converted15', 'bad_checksum', 'excel_mangled', 'invalid'."""

    def __init__(self, canonical, kind):
        self.canonical = canonical
        self.kind = kind



def id_birth_date(canonical):
    return datetime.date(int(canonical[6:10]), int(canonical[10:12]), int(canonical[12:14]))


def id_number(cell, import_date):
    s = cell.replace(" ", "").upper()
    if re.fullmatch(r"[0-9](\.[0-9]+)?E\+?[0-9]+", s):
        return IdResult(None, "excel_mangled")
    if re.fullmatch(r"[0-9]{17}[0-9X]", s):
        born = _date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
        place_and_date_ok = (s[:2] in PROVINCES and born is not None
                             and datetime.date(1900, 1, 1) <= born <= import_date)
        check_ok = id_check_char(s[:17]) == s[17]
        if place_and_date_ok and check_ok:
            return IdResult(s, "valid")
        if place_and_date_ok:
            return IdResult(None, "bad_checksum")  # "a wrong check digit alone"
        return IdResult(None, "invalid")
    if re.fullmatch(r"[0-9]{15}", s):
        born = _date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))
        if s[:2] in PROVINCES and born is not None:
            first17 = s[:6] + "19" + s[6:]
            return IdResult(first17 + id_check_char(first17), "converted15")
        return IdResult(None, "invalid")
    return IdResult(None, "invalid")


def bank_card(cell):
    s = re.sub(r"[ \-]", "", cell)
    return s if re.fullmatch(r"[0-9]{13,19}", s) and luhn_ok(s) else None


def email(cell):
    s = cell.strip().lower()
    return s if re.fullmatch(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", s) else None


_DATE_FORMS = [
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})",
    r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})",
    r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})",
    r"([0-9]{4})([0-9]{2})([0-9]{2})",
    r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日",
]


def date(cell):
    """A datetime.date for the §5.3 spellings, else None. (XLSX date cells reach the
    oracle already as 'YYYY-MM-DD'.)"""
    for form in _DATE_FORMS:
        m = re.fullmatch(form, cell)
        if m:
            return _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def amount_fen(cell):
    """Decimal yuan with optional ¥ / 元 / thousands separators, in fen; None if invalid.
    The generator writes only plain, non-negative amounts with at most two decimals."""
    s = cell
    if s.startswith("¥"):
        s = s[1:]
    if s.endswith("元"):
        s = s[:-1]
    if not re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})*(\.[0-9]{1,2})?|[0-9]+(\.[0-9]{1,2})?", s):
        return None
    whole, _, frac = s.replace(",", "").partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def free_text_pii(notes, import_date):
    """§5.5: a valid mobile, a valid 18-digit ID number, a Luhn-valid 16-19 digit card
    number (none inside a longer digit run), or an e-mail address."""
    for m in re.finditer(r"[0-9]+[Xx]?", notes):
        run = m.group(0)
        digits = run.rstrip("Xx")
        if len(run) == 18 and id_number(run, import_date).kind == "valid":
            return True
        if run != digits:
            continue
        if len(digits) == 11 and re.fullmatch(r"1[3-9][0-9]{9}", digits):
            return True
        if 16 <= len(digits) <= 19 and luhn_ok(digits):
            return True
    return re.search(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}", notes) is not None


class _Subject:
    def __init__(self, number):
        self.number = number
        self.id_number = None
        self.column_born = None


def report(rows, fields, import_date):
    """The §5.5 counts of a customers file.

    rows: the data rows as lists of cell strings (already decoded; None or '' = empty);
    fields: the canonical field of each column (None for an unmapped one);
    import_date: datetime.date.
    Returns a dict with the report's keys (counts only; 'fields' for the fields the SPEC
    gives rules for, 'rejected' as [row number, ...]).
    """
    counts = {k: 0 for k in ("rows_read", "rows_rejected", "rows_imported", "subjects_created",
                             "rows_merged", "shared_contact", "minors", "free_text_pii")}
    ids = {k: 0 for k in ("valid", "converted15", "bad_checksum", "excel_mangled", "invalid")}
    per_field = {f: {"present": 0, "valid": 0, "invalid": 0}
                 for f in ("name", "mobile", "id_number", "email", "bank_card", "birth_date",
                           "prepaid_balance")}
    rejected = []
    by_id, by_mobile, by_email = {}, {}, {}
    subjects = []

    def tally(field, ok):
        per_field[field]["present"] += 1
        per_field[field]["valid" if ok else "invalid"] += 1

    for number, raw in enumerate(rows, start=1):
        counts["rows_read"] += 1
        if len(raw) != len(fields):
            rejected.append(number)
            continue
        cells = {}
        for f, v in zip(fields, raw):
            if f is not None:
                v = normalize_cell(v or "")
                if v:
                    cells[f] = v
        if not any(f in cells for f in IDENTIFYING):
            rejected.append(number)
            continue
        counts["rows_imported"] += 1

        idn = mob = mail = column_born = None
        if "name" in cells:
            tally("name", True)
        if "id_number" in cells:
            r = id_number(cells["id_number"], import_date)
            ids[r.kind] += 1
            if r.kind in ("bad_checksum", "excel_mangled"):
                ids["invalid"] += 1
            if r.kind == "converted15":
                ids["valid"] += 1
            tally("id_number", r.canonical is not None)
            if r.canonical is not None:
                idn = r.canonical
        if "mobile" in cells:
            mob = mobile(cells["mobile"])
            tally("mobile", mob is not None)
        if "email" in cells:
            mail = email(cells["email"])
            tally("email", mail is not None)
        if "bank_card" in cells:
            tally("bank_card", bank_card(cells["bank_card"]) is not None)
        if "birth_date" in cells:
            column_born = date(cells["birth_date"])
            tally("birth_date", column_born is not None)
        if "prepaid_balance" in cells:
            tally("prepaid_balance", amount_fen(cells["prepaid_balance"]) is not None)
        if "notes" in cells and free_text_pii(cells["notes"], import_date):
            counts["free_text_pii"] += 1

        # §5.4 subjects. "its valid mobile (else its valid email)" is read like the line
        # "Subject key: ... else the valid mobile; else the valid email" above it: the row's
        # contact is its valid mobile if it has one, else its valid e-mail; a row with a
        # valid mobile is not matched through its e-mail (docs/design/import.md).
        def holders():
            if mob is not None:
                return by_mobile.get(mob, [])
            if mail is not None:
                return by_email.get(mail, [])
            return []

        subject = None
        if idn is not None:
            subject = by_id.get(idn)
            if subject is None:
                found = holders()
                without_id = [s for s in found if s.id_number is None]
                if without_id:
                    subject = without_id[0]
                elif found:
                    counts["shared_contact"] += 1
        else:
            found = holders()
            if found:
                subject = found[0]
        if subject is None:
            subject = _Subject(len(subjects))
            subjects.append(subject)
            counts["subjects_created"] += 1
        else:
            counts["rows_merged"] += 1
        if idn is not None and subject.id_number is None:
            subject.id_number = idn
            by_id[idn] = subject
        if column_born is not None:
            subject.column_born = column_born  # the newest valid birth-date cell
        for value, index in ((mob, by_mobile), (mail, by_email)):
            if value is not None:
                # "The earliest one if several do": the subject that came to hold the
                # value first (docs/design/import.md), so holders stay in that order.
                held = index.setdefault(value, [])
                if subject not in held:
                    held.append(subject)

    # "minors" counts subjects, not rows (docs/design/import.md): those whose current birth
    # date — the ID number's if they have one (it wins over the birth-date column), else
    # their newest valid birth-date cell — makes them under 14 on the import date.
    for s in subjects:
        born = id_birth_date(s.id_number) if s.id_number else s.column_born
        if born is not None and age_on(born, import_date) < 14:
            counts["minors"] += 1
    counts["rows_rejected"] = len(rejected)
    counts["id_number"] = ids
    counts["fields"] = per_field
    counts["rejected"] = rejected
    return counts
