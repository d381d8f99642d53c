#!/usr/bin/python3
"""Regenerates the XLSX fixtures of src/ingest/row_reader_test.cc (synthetic data only).

customers_openpyxl.xlsx: written by openpyxl 3.0.9 (Debian python3-openpyxl), the way
real-world tools write workbooks: shared strings, a styles part with date formats, two
sheets. Run: /usr/bin/python3 tests/data/ingest/make_fixtures.py
"""
import datetime
import os

import openpyxl

here = os.path.dirname(os.path.abspath(__file__))
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "会员"
ws.append(["会员编号", "姓名", "手机号", "身份证号", "出生日期", "积分"])
ws.append(["M0001", "测试甲", 13800000001, "110101199003070019",
           datetime.date(1990, 3, 7), 120])
ws.append(["M0002", "测试乙", "13800000002", 110101198512120027,
           datetime.date(1985, 12, 12), 0.5])
# Sparse row: no phone, no ID.
ws.append(["M0003", "测试丙", None, None, datetime.date(2001, 1, 31), None])
ws["E4"].number_format = "yyyy\"年\"m\"月\"d\"日\""
other = wb.create_sheet("门店")
other.append(["门店", "城市"])
other.append(["一号店", "测试市"])
wb.save(os.path.join(here, "customers_openpyxl.xlsx"))
