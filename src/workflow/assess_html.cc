#include "src/workflow/assess_html.h"

namespace jv::workflow {

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string HtmlPage(std::string_view lang, std::string_view title, std::string_view body) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + HtmlEscape(lang) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + HtmlEscape(title) +
                    "</title>\n<style>\n"
                    "@page { size: A4; margin: 18mm; }\n"
                    "body { font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', sans-serif; "
                    "font-size: 11pt; color: #111; }\n"
                    "h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.2em; }\n"
                    "table { border-collapse: collapse; width: 100%; margin: .5em 0; }\n"
                    "th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; "
                    "vertical-align: top; }\n"
                    "th { background: #eee; }\n"
                    ".pass { color: #176617; } .fail { color: #a00; font-weight: bold; } "
                    ".warn { color: #a60; }\n"
                    ".low { background: #d9f2d9; } .medium { background: #fff3c4; } "
                    ".high { background: #ffd8b0; } .critical { background: #f7b0b0; }\n"
                    "</style>\n</head>\n<body>\n";
  out += body;
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace jv::workflow
