// The four renderers of report.h.
#include <xlsxwriter.h>

#include <algorithm>

#include "src/common/strings.h"
#include "src/report/report.h"
#include "src/workflow/assess_html.h"

namespace jv::report {

using json = nlohmann::json;

namespace {

std::string CellText(const json& c) {
  if (c.is_string()) return c.get<std::string>();
  if (c.is_null()) return "";
  return c.dump();
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Title(const std::string& lang, const std::string& zh, const std::string& en) {
  return lang == "en" ? en : zh;
}

// A horizontal bar chart as inline SVG.
std::string BarChart(const Table& t, const std::string& lang) {
  const int col = t.chart_value_column;
  int64_t max = 0;
  for (const auto& r : t.rows) {
    if (r[col].is_number_integer()) max = std::max<int64_t>(max, r[col].get<int64_t>());
  }
  const int bar_h = 18, gap = 6, label_w = 220, width = 640;
  const int height = static_cast<int>(t.rows.size()) * (bar_h + gap) + gap;
  std::string s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" +
                  std::to_string(width) + "\" height=\"" + std::to_string(height) +
                  "\" aria-label=\"" + workflow::HtmlEscape(Title(lang, t.zh, t.en)) + "\">\n";
  int y = gap;
  for (const auto& r : t.rows) {
    int64_t v = r[col].is_number_integer() ? r[col].get<int64_t>() : 0;
    int w = max == 0 ? 0 : static_cast<int>((width - label_w - 80) * v / max);
    s += "<text x=\"0\" y=\"" + std::to_string(y + 13) + "\" font-size=\"12\">" +
         workflow::HtmlEscape(CellText(r[0])) + "</text>";
    s += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(y) + "\" width=\"" +
         std::to_string(w) + "\" height=\"" + std::to_string(bar_h) + "\" fill=\"#4a78b5\"/>";
    s += "<text x=\"" + std::to_string(label_w + w + 4) + "\" y=\"" + std::to_string(y + 13) +
         "\" font-size=\"12\">" + std::to_string(v) + "</text>\n";
    y += bar_h + gap;
  }
  return s + "</svg>\n";
}

}  // namespace

json RenderJson(const Report& r) {
  json tables = json::object();
  for (const auto& t : r.tables) {
    json rows = json::array();
    for (const auto& row : t.rows) {
      json o = json::object();
      for (size_t i = 0; i < t.columns.size() && i < row.size(); ++i) o[t.columns[i].key] = row[i];
      rows.push_back(std::move(o));
    }
    tables[t.id] = std::move(rows);
  }
  return {{"report", r.kind},
          {"title", {{"zh", r.zh}, {"en", r.en}}},
          {"generated_at", r.generated_at},
          {"tables", tables}};
}

std::string RenderCsv(const Report& r) {
  std::string out;
  for (const auto& t : r.tables) {
    if (!out.empty()) out += "\r\n";
    out += "# " + t.id + "\r\n";
    for (size_t i = 0; i < t.columns.size(); ++i)
      out += (i ? "," : "") + CsvField(t.columns[i].key);
    out += "\r\n";
    for (const auto& row : t.rows) {
      for (size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + CsvField(CellText(row[i]));
      out += "\r\n";
    }
  }
  return out;
}

std::string RenderHtml(const Report& r, const std::string& lang) {
  using workflow::HtmlEscape;
  std::string b = "<h1>" + HtmlEscape(Title(lang, r.zh, r.en)) + "</h1>\n<p>" +
                  HtmlEscape(r.vault_company) + " · " + Title(lang, "生成时间", "Generated") +
                  ": " + HtmlEscape(r.generated_at) + "</p>\n";
  for (const auto& t : r.tables) {
    b += "<h2>" + HtmlEscape(Title(lang, t.zh, t.en)) + "</h2>\n";
    if (t.chart_value_column >= 0 && !t.rows.empty()) b += BarChart(t, lang);
    b += "<table>\n<tr>";
    for (const auto& c : t.columns) b += "<th>" + HtmlEscape(Title(lang, c.zh, c.en)) + "</th>";
    b += "</tr>\n";
    for (const auto& row : t.rows) {
      b += "<tr>";
      for (const auto& c : row) {
        std::string text = CellText(c);
        std::string cls =
            (text == "pass" || text == "fail" || text == "warn") ? " class=\"" + text + "\"" : "";
        b += "<td" + cls + ">" + HtmlEscape(text) + "</td>";
      }
      b += "</tr>\n";
    }
    b += "</table>\n";
  }
  return workflow::HtmlPage(lang == "en" ? "en" : "zh-CN", Title(lang, r.zh, r.en), b);
}

Status WriteXlsx(const Report& r, const std::string& path, const std::string& lang) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (wb == nullptr) return InternalError("cannot create the XLSX file");
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const auto& t : r.tables) {
    std::string name = t.id.substr(0, 31);
    lxw_worksheet* ws = workbook_add_worksheet(wb, name.c_str());
    if (ws == nullptr) {
      workbook_close(wb);
      return InternalError("cannot add a worksheet");
    }
    for (size_t i = 0; i < t.columns.size(); ++i) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(i), t.columns[i].key.c_str(), bold);
      worksheet_write_string(ws, 1, static_cast<lxw_col_t>(i),
                             Title(lang, t.columns[i].zh, t.columns[i].en).c_str(), bold);
    }
    lxw_row_t y = 2;
    for (const auto& row : t.rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        const json& c = row[i];
        if (c.is_number()) {
          worksheet_write_number(ws, y, static_cast<lxw_col_t>(i), c.get<double>(), nullptr);
        } else {
          worksheet_write_string(ws, y, static_cast<lxw_col_t>(i), CellText(c).c_str(), nullptr);
        }
      }
      ++y;
    }
  }
  if (workbook_close(wb) != LXW_NO_ERROR) return InternalError("cannot write the XLSX file");
  return Status::Ok();
}

Status WriteReport(const Report& r, const std::string& format, const std::string& lang,
                   const std::string& path) {
  if (lang != "zh-CN" && lang != "en") return InvalidArgumentError("--lang must be zh-CN or en");
  if (format == "json") return WriteFileAtomic(path, RenderJson(r).dump(2) + "\n", 0644);
  if (format == "csv") return WriteFileAtomic(path, RenderCsv(r), 0644);
  if (format == "html") return WriteFileAtomic(path, RenderHtml(r, lang), 0644);
  if (format == "xlsx") return WriteXlsx(r, path, lang);
  return InvalidArgumentError("--format must be html, xlsx, csv or json");
}

}  // namespace jv::report
