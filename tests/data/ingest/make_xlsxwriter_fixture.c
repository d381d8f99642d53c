/* Regenerates tests/data/ingest/customers_xlsxwriter.xlsx (synthetic data only).
 * Build: cc make_xlsxwriter_fixture.c $(pkg-config --cflags --libs xlsxwriter)
 * Run:   ./a.out customers_xlsxwriter.xlsx */
#include <xlsxwriter.h>
int main(int argc, char** argv) {
  lxw_workbook* wb = workbook_new(argv[1]);
  lxw_worksheet* ws = workbook_add_worksheet(wb, "客户");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy/m/d");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  const char* hdr[] = {"姓名", "手机", "生日", "备注"};
  for (int i = 0; i < 4; ++i) worksheet_write_string(ws, 0, i, hdr[i], NULL);
  worksheet_write_string(ws, 1, 0, "测试丁", NULL);
  worksheet_write_string(ws, 1, 1, "13900000004", NULL);
  lxw_datetime d = {1988, 8, 8, 0, 0, 0};
  worksheet_write_datetime(ws, 1, 2, &d, date);
  lxw_rich_string_tuple f1 = {.format = bold, .string = "重要"};
  lxw_rich_string_tuple f2 = {.format = NULL, .string = "客户"};
  lxw_rich_string_tuple* rich[] = {&f1, &f2, NULL};
  worksheet_write_rich_string(ws, 1, 3, rich, NULL);
  /* row 3 (index 2) empty; row 4 sparse */
  worksheet_write_string(ws, 3, 0, "测试戊", NULL);
  worksheet_write_number(ws, 3, 1, 13900000005.0, NULL);
  worksheet_write_boolean(ws, 3, 3, 1, NULL);
  return workbook_close(wb);
}
