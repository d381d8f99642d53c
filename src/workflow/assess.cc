#include "src/workflow/assess.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "src/classify/fields.h"
#include "src/common/date.h"
#include "src/common/random.h"
#include "src/common/strings.h"
#include "src/crypto/hash.h"
#include "src/workflow/assess_html.h"
#include "src/workflow/crossborder.h"
#include "src/workflow/transfer.h"

namespace jv::workflow {

using json = nlohmann::json;

namespace {

constexpr char kFormat[] = "jadevault-pipia-answers/1";
constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
constexpr int64_t kChinaOffsetMicros = 8LL * 3600 * 1000000;

struct Question {
  const char* id;
  const char* section;
  const char* zh;
  const char* en;
};

// Sections follow PIPL 56: (1) lawfulness, legitimacy and necessity; (2) impact on rights
// and security risks; (3) whether the protective measures are lawful, effective and
// proportionate.
constexpr Question kQuestions[] = {
    {"lawful_basis", "lawfulness",
     "向接收方提供个人信息是否具有合法依据（《个人信息保护法》第13、22、23条）？",
     "Is there a lawful basis for providing the personal information to the recipient "
     "(PIPL 13, 22, 23)?"},
    {"minimum_necessary", "necessity", "转移的字段是否限于实现处理目的所必需的最小范围？",
     "Are the fields transferred limited to the minimum necessary for the purpose?"},
    {"same_purpose", "lawfulness", "接收方是否承诺在原处理目的、处理方式内继续处理（第22条）？",
     "Has the recipient undertaken to keep to the original purposes and methods (PIPL 22)?"},
    {"contract_signed", "safeguards",
     "是否已与接收方签订约定目的、方式、范围和安全义务的协议（《网络数据安全管理条例》第12条）？",
     "Is there a contract with the recipient on purpose, method, scope and security duties "
     "(NDSMR 12)?"},
    {"recipient_security", "safeguards",
     "接收方是否具备与所接收数据相适应的安全保护能力（制度、技术措施、人员）？",
     "Does the recipient have security capabilities adequate for the data (rules, technical "
     "measures, staff)?"},
    {"sensitive_necessity", "necessity",
     "处理敏感个人信息是否具有特定目的和充分必要性，并采取严格保护措施（第28条）？",
     "Is processing of sensitive personal information for a specific purpose, sufficiently "
     "necessary and strictly protected (PIPL 28)?"},
    {"minors_guardian", "lawfulness",
     "不满十四周岁未成年人的个人信息是否取得父母或其他监护人同意（第31条）？",
     "Has a parent or guardian consented for children under 14 (PIPL 31)?"},
    {"crossborder_rights", "impact", "境外接收方是否保障个人向其行使权利的途径（第39条）？",
     "Can individuals exercise their rights against an overseas recipient (PIPL 39)?"},
    {"incident_plan", "safeguards", "是否制定并演练个人信息安全事件应急预案（第51、57条）？",
     "Is there a rehearsed personal-information incident response plan (PIPL 51, 57)?"},
    {"deletion_plan", "impact", "未转移的个人信息是否有删除或停止处理的计划（第47条）？",
     "Is there a plan to delete, or stop processing, the information not transferred "
     "(PIPL 47)?"},
};

struct Risk {
  const char* id;
  const char* zh;
  const char* en;
};

constexpr Risk kRisks[] = {
    {"leak_in_transit", "传输或交接过程中个人信息泄露", "Leak while in transit or at hand-over"},
    {"recipient_misuse", "接收方超出原目的或范围使用",
     "Recipient uses the data beyond the "
     "original purpose or scope"},
    {"crossborder_law", "境外接收方所在地法律环境导致的风险",
     "Risk from the legal environment of an overseas recipient"},
    {"rights_lost", "个人无法行使查阅、更正、删除等权利",
     "Individuals cannot exercise access, correction or deletion rights"},
    {"retained_too_long", "未转移的个人信息未及时删除",
     "Information not transferred is kept "
     "too long"},
};

constexpr int kDefaultLikelihood = 3;
constexpr int kDefaultImpact = 4;

const char* const kAnswerOptions[] = {"yes", "no", "unknown"};

bool IsAnswer(const std::string& a) {
  for (const char* o : kAnswerOptions) {
    if (a == o) return true;
  }
  return false;
}

bool HasCategory(const json& a, std::string_view c) {
  if (!a.contains("categories") || !a["categories"].is_array()) return false;
  for (const json& x : a["categories"]) {
    if (x.is_string() && x.get<std::string>() == c) return true;
  }
  return false;
}

Result<json> ValidateAnswers(const json& in) {
  if (!in.is_object()) return InvalidArgumentError("--answers: not a JSON object");
  if (in.value("format", "") != kFormat) {
    return InvalidArgumentError(std::string("--answers: format must be ") + kFormat);
  }
  json out = {{"assessor", in.value("assessor", json::object())}};
  if (!out["assessor"].is_object())
    return InvalidArgumentError("--answers: assessor must be an object");
  std::map<std::string, json> qs;
  if (!in.contains("questions") || !in["questions"].is_array()) {
    return InvalidArgumentError("--answers: questions must be an array");
  }
  for (const json& q : in["questions"]) {
    if (!q.is_object() || !q.contains("id") || !q["id"].is_string()) {
      return InvalidArgumentError("--answers: a question has no id");
    }
    qs[q["id"].get<std::string>()] = q;
  }
  json answers = json::array();
  for (const Question& q : kQuestions) {
    auto it = qs.find(q.id);
    if (it == qs.end())
      return InvalidArgumentError(std::string("--answers: question ") + q.id + " is missing");
    const json& a = it->second;
    if (!a.contains("answer") || !a["answer"].is_string() ||
        !IsAnswer(a["answer"].get<std::string>())) {
      return InvalidArgumentError(std::string("--answers: question ") + q.id +
                                  ": answer must be yes, no or unknown");
    }
    json note = a.value("note", json(""));
    if (!note.is_string())
      return InvalidArgumentError(std::string("--answers: question ") + q.id +
                                  ": note must be text");
    answers.push_back({{"id", q.id},
                       {"section", q.section},
                       {"zh", q.zh},
                       {"en", q.en},
                       {"answer", a["answer"]},
                       {"note", note}});
    qs.erase(it);
  }
  if (!qs.empty()) return InvalidArgumentError("--answers: unknown question " + qs.begin()->first);
  std::map<std::string, json> rs;
  if (!in.contains("risks") || !in["risks"].is_array()) {
    return InvalidArgumentError("--answers: risks must be an array");
  }
  for (const json& r : in["risks"]) {
    if (!r.is_object() || !r.contains("id") || !r["id"].is_string()) {
      return InvalidArgumentError("--answers: a risk has no id");
    }
    rs[r["id"].get<std::string>()] = r;
  }
  json risks = json::array();
  for (const Risk& r : kRisks) {
    auto it = rs.find(r.id);
    if (it == rs.end())
      return InvalidArgumentError(std::string("--answers: risk ") + r.id + " is missing");
    const json& a = it->second;
    auto level = [&](const char* k) -> int {
      if (!a.contains(k) || !a[k].is_number_integer()) return 0;
      int x = a[k].get<int>();
      return (x >= 1 && x <= 5) ? x : 0;
    };
    int l = level("likelihood"), i = level("impact");
    if (l == 0 || i == 0) {
      return InvalidArgumentError(std::string("--answers: risk ") + r.id +
                                  ": likelihood and impact must be integers 1..5");
    }
    json mitigation = a.value("mitigation", json(""));
    if (!mitigation.is_string())
      return InvalidArgumentError(std::string("--answers: risk ") + r.id +
                                  ": mitigation must be text");
    risks.push_back({{"id", r.id},
                     {"zh", r.zh},
                     {"en", r.en},
                     {"likelihood", l},
                     {"impact", i},
                     {"score", l * i},
                     {"level", std::string(RiskLevel(l, i))},
                     {"mitigation", mitigation}});
    rs.erase(it);
  }
  if (!rs.empty()) return InvalidArgumentError("--answers: unknown risk " + rs.begin()->first);
  out["questions"] = answers;
  out["risks"] = risks;
  return out;
}

int LevelRank(std::string_view l) {
  if (l == "critical") return 3;
  if (l == "high") return 2;
  if (l == "medium") return 1;
  return 0;
}

std::string Tr(const std::string& lang, const char* zh, const char* en) {
  return lang == "en" ? en : zh;
}

}  // namespace

json PipiaTemplate() {
  json qs = json::array();
  for (const Question& q : kQuestions) {
    qs.push_back({{"id", q.id},
                  {"section", q.section},
                  {"zh", q.zh},
                  {"en", q.en},
                  {"options", json::array({"yes", "no", "unknown"})},
                  {"answer", "unknown"},
                  {"note", ""}});
  }
  json rs = json::array();
  for (const Risk& r : kRisks) {
    rs.push_back({{"id", r.id},
                  {"zh", r.zh},
                  {"en", r.en},
                  {"likelihood", kDefaultLikelihood},
                  {"impact", kDefaultImpact},
                  {"mitigation", ""}});
  }
  return {{"format", kFormat},
          {"instructions",
           {{"zh",
             "逐项填写 answer（yes/no/unknown）与 note；按 1–5 评估每项风险的可能性"
             "（likelihood）与影响（impact）。默认值为保守假设。"},
            {"en",
             "Fill in answer (yes/no/unknown) and note for each question; rate each "
             "risk's likelihood and impact 1–5. The defaults are conservative."}}},
          {"assessor", {{"name", ""}, {"role", ""}}},
          {"questions", qs},
          {"risks", rs}};
}

std::string_view RiskLevel(int likelihood, int impact) {
  const int s = likelihood * impact;
  if (s >= 15) return "critical";
  if (s >= 10) return "high";
  if (s >= 5) return "medium";
  return "low";
}

Result<json> ComputePipiaFacts(vault::Vault& v) {
  JV_ASSIGN_OR_RETURN(auto recipients, ListRecipients(v));
  std::map<std::string, json> recs;
  std::set<std::string> fields;
  bool all_fields = false;
  for (const json& r : recipients) {
    json x = {{"id", r.value("id", "")},
              {"region", r.value("region", "")},
              {"cross_border", IsCrossBorderRegion(r.value("region", ""))},
              {"scope", r.value("scope", json::array())},
              {"allocated", 0}};
    recs[x["id"].get<std::string>()] = x;
  }
  int64_t subjects = 0, sensitive = 0, minors = 0, allocated = 0;
  std::map<std::string, int64_t> by_cat = {{"id_number", 0},
                                           {"financial_account", 0},
                                           {"property", 0},
                                           {"consumption", 0},
                                           {"minor_under_14", 0}};
  std::map<std::string, int64_t> by_state;
  JV_RETURN_IF_ERROR(v.store().ForEachSubject(std::nullopt, [&](const store::SubjectRow& s) {
    json a = SubjectAttrs(s);
    if (a.contains("placeholder")) return Status::Ok();
    ++subjects;
    ++by_state[s.state];
    const bool minor = a.value("minor", false);
    if (minor) ++minors, ++by_cat["minor_under_14"];
    if (a.value("has_id", false)) ++by_cat["id_number"];
    for (const char* c : {"financial_account", "property", "consumption"}) {
      if (HasCategory(a, c)) ++by_cat[c];
    }
    if (SubjectSensitiveFor(a, {})) ++sensitive;
    if (a.contains("recipient") && a["recipient"].is_string() && s.state != "objected" &&
        s.state != "shredded" && s.state != "restricted") {
      auto it = recs.find(a["recipient"].get<std::string>());
      if (it != recs.end()) {
        it->second["allocated"] = it->second["allocated"].get<int64_t>() + 1;
        ++allocated;
      }
    }
    return Status::Ok();
  }));
  json rlist = json::array();
  for (auto& [id, r] : recs) {
    if (r["scope"].empty()) {
      all_fields = true;
    } else {
      for (const json& f : r["scope"]) fields.insert(f.get<std::string>());
    }
    rlist.push_back(r);
  }
  json flist = json::array();
  if (all_fields) {
    for (const auto& fi : classify::AllFields()) flist.push_back(std::string(fi.name));
  } else {
    for (const auto& f : fields) flist.push_back(f);
  }
  json sensitive_fields = json::array();
  for (const json& f : flist) {
    auto fld = classify::FieldFromName(f.get<std::string>());
    if (fld && classify::IsSensitiveField(*fld)) sensitive_fields.push_back(f);
  }
  JV_ASSIGN_OR_RETURN(auto vr, v.audit().Verify(v.signer().PublicKeyPem()));
  JV_ASSIGN_OR_RETURN(XbFacts xb, ComputeCrossBorder(v));
  return json{{"subjects", subjects},
              {"subjects_by_state", by_state},
              {"sensitive_subjects", sensitive},
              {"sensitive_by_category", by_cat},
              {"minors", minors},
              {"allocated", allocated},
              {"recipients", rlist},
              {"fields_transferred", flist},
              {"sensitive_fields_transferred", sensitive_fields},
              {"crypto_suite", std::string(crypto::SuiteName(v.suite()))},
              {"audit", {{"ok", vr.ok}, {"entries", vr.entries}, {"root_hash", vr.root_hash}}},
              {"cross_border", xb.ToJson()}};
}

Result<PipiaResult> RunAssessment(vault::Vault& v, const json& answers) {
  JV_ASSIGN_OR_RETURN(json checked, ValidateAnswers(answers));
  JV_ASSIGN_OR_RETURN(json facts, ComputePipiaFacts(v));
  const int64_t now = v.clock().NowMicros();
  // The matrix: cell [likelihood-1][impact-1] = number of risks there.
  json matrix = json::array();
  for (int l = 0; l < 5; ++l) matrix.push_back(json::array({0, 0, 0, 0, 0}));
  std::string overall = "low";
  for (json& r : checked["risks"]) {
    // A fact can raise an impact the answers put too low: sensitive data or minors
    // transferred make any leak or misuse at least "serious" (4).
    const bool sensitive_out =
        !facts["sensitive_fields_transferred"].empty() || facts["minors"].get<int64_t>() > 0;
    const std::string id = r["id"].get<std::string>();
    if (id == "crossborder_law" && facts["cross_border"]["recipients"].empty()) {
      r["applies"] = false;
    } else {
      r["applies"] = true;
      if (sensitive_out && (id == "leak_in_transit" || id == "recipient_misuse") &&
          r["impact"].get<int>() < 4) {
        r["impact_raised_by_facts"] = true;
        r["impact"] = 4;
        r["score"] = 4 * r["likelihood"].get<int>();
        r["level"] = std::string(RiskLevel(r["likelihood"].get<int>(), 4));
      }
      matrix[r["likelihood"].get<int>() - 1][r["impact"].get<int>() - 1] =
          matrix[r["likelihood"].get<int>() - 1][r["impact"].get<int>() - 1].get<int>() + 1;
      if (LevelRank(r["level"].get<std::string>()) > LevelRank(overall)) {
        overall = r["level"].get<std::string>();
      }
    }
  }
  json findings = json::array();
  for (const json& q : checked["questions"]) {
    if (q["answer"] != "yes") findings.push_back(q["id"]);
  }
  const Date until = ChinaDateFromMicros(now).AddYears(kPipiaRetentionYears);
  PipiaResult res;
  res.id = NewId(v.random(), "pia_");
  res.report = {{"id", res.id},
                {"created_at", FormatRfc3339Seconds(now)},
                {"retain_until", until.ToString()},
                {"assessor", checked["assessor"]},
                {"facts", facts},
                {"questions", checked["questions"]},
                {"risks", checked["risks"]},
                {"matrix", matrix},
                {"overall", overall},
                {"findings", findings}};
  res.html_zh = RenderPipiaHtml(res.report, "zh-CN");
  res.html_en = RenderPipiaHtml(res.report, "en");
  store::ObjectRow row;
  row.kind = kKindPipia;
  row.id = res.id;
  row.status = "final";
  row.created_micros = row.updated_micros = now;
  row.attrs_json = json({{"created_at", res.report["created_at"]},
                         {"retain_until", until.ToString()},
                         {"retention",
                          {{"basis", "PIPL 56"},
                           {"years", kPipiaRetentionYears},
                           {"until", until.ToString()},
                           {"until_micros", until.ToDays() * kMicrosPerDay - kChinaOffsetMicros}}},
                         {"report", res.report},
                         {"html_zh", res.html_zh},
                         {"html_en", res.html_en}})
                       .dump();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_RETURN_IF_ERROR(v.store().PutObject(row));
  JV_RETURN_IF_ERROR(
      v.AuditInTxn("pipia.create", "", "governance",
                   {{"pipia", res.id},
                    {"overall", overall},
                    {"report_sha256", HexEncode(crypto::Sha256(AsBytes(res.report.dump())))},
                    {"retain_until", until.ToString()}})
          .status());
  JV_RETURN_IF_ERROR(txn.Commit());
  return res;
}

Result<std::optional<store::ObjectRow>> LatestAssessment(vault::Vault& v) {
  store::ObjectFilter f;
  f.kind = kKindPipia;
  JV_ASSIGN_OR_RETURN(auto rows, v.store().ListObjects(f));
  std::optional<store::ObjectRow> best;
  for (auto& r : rows) {
    if (!best || std::tie(r.created_micros, r.id) > std::tie(best->created_micros, best->id)) {
      best = std::move(r);
    }
  }
  return best;
}

std::string RenderPipiaHtml(const json& report, const std::string& lang) {
  const bool en = lang == "en";
  auto txt = [&](const json& j, const char* k) { return HtmlEscape(j.value(k, std::string())); };
  const json& f = report["facts"];
  std::string b;
  b += "<h1>" +
       Tr(lang, "个人信息保护影响评估报告",
          "Personal information protection impact "
          "assessment") +
       "</h1>\n";
  b += "<p>" + Tr(lang, "编号", "Id") + ": " + txt(report, "id") + " · " +
       Tr(lang, "日期", "Date") + ": " + txt(report, "created_at") + " · " +
       Tr(lang, "保存至", "Keep until") + ": " + txt(report, "retain_until") + " (PIPL 56) · " +
       Tr(lang, "总体风险", "Overall risk") + ": <span class=\"" + txt(report, "overall") + "\">" +
       txt(report, "overall") + "</span></p>\n";
  b += "<h2>" + Tr(lang, "一、基本事实（由保管库计算）", "1. Facts (computed from the vault)") +
       "</h2>\n<table>\n";
  auto row = [&](const std::string& k, const std::string& val) {
    b += "<tr><th>" + k + "</th><td>" + HtmlEscape(val) + "</td></tr>\n";
  };
  row(Tr(lang, "个人信息主体", "Subjects"), std::to_string(f.value("subjects", int64_t{0})));
  row(Tr(lang, "含敏感个人信息的主体", "Subjects with sensitive PI"),
      std::to_string(f.value("sensitive_subjects", int64_t{0})));
  for (const auto& [k, n] : f["sensitive_by_category"].items()) {
    row(Tr(lang, "　敏感类别 ", "  sensitive category ") + k, std::to_string(n.get<int64_t>()));
  }
  row(Tr(lang, "不满十四周岁", "Children under 14"), std::to_string(f.value("minors", int64_t{0})));
  row(Tr(lang, "已分配给接收方", "Allocated to recipients"),
      std::to_string(f.value("allocated", int64_t{0})));
  std::string fields;
  for (const json& x : f["fields_transferred"])
    fields += (fields.empty() ? "" : ", ") + x.get<std::string>();
  row(Tr(lang, "转移字段", "Fields transferred"), fields);
  row(Tr(lang, "密码套件", "Crypto suite"), f.value("crypto_suite", ""));
  row(Tr(lang, "审计日志", "Audit log"),
      std::string(f["audit"].value("ok", false) ? "ok" : "FAILED") + ", " +
          std::to_string(f["audit"].value("entries", int64_t{0})) + " entries");
  const json& xb = f["cross_border"];
  row(Tr(lang, "出境（本年累计）", "Cross-border (year to date)"),
      std::to_string(xb.value("individuals", int64_t{0})) + " / " +
          Tr(lang, "敏感 ", "sensitive ") + std::to_string(xb.value("sensitive", int64_t{0})) +
          " → " + xb.value("required", std::string()));
  b += "</table>\n<table><tr><th>" + Tr(lang, "接收方", "Recipient") + "</th><th>" +
       Tr(lang, "地区", "Region") + "</th><th>" + Tr(lang, "分配人数", "Allocated") +
       "</th></tr>\n";
  for (const json& r : f["recipients"]) {
    b += "<tr><td>" + txt(r, "id") + "</td><td>" + txt(r, "region") + "</td><td>" +
         std::to_string(r.value("allocated", int64_t{0})) + "</td></tr>\n";
  }
  b += "</table>\n<h2>" + Tr(lang, "二、问卷", "2. Questionnaire") + "</h2>\n<table>\n<tr><th>" +
       Tr(lang, "问题", "Question") + "</th><th>" + Tr(lang, "回答", "Answer") + "</th><th>" +
       Tr(lang, "说明", "Note") + "</th></tr>\n";
  for (const json& q : report["questions"]) {
    const std::string a = q.value("answer", "");
    b += "<tr><td>" + txt(q, en ? "en" : "zh") + "</td><td class=\"" +
         (a == "yes"  ? "pass"
          : a == "no" ? "fail"
                      : "warn") +
         "\">" + HtmlEscape(a) + "</td><td>" + txt(q, "note") + "</td></tr>\n";
  }
  b += "</table>\n<h2>" +
       Tr(lang, "三、风险矩阵（可能性 × 影响）", "3. Risk matrix (likelihood × impact)") +
       "</h2>\n<table>\n<tr><th>" + Tr(lang, "可能性＼影响", "Likelihood \\ impact") + "</th>";
  for (int i = 1; i <= 5; ++i) b += "<th>" + std::to_string(i) + "</th>";
  b += "</tr>\n";
  for (int l = 5; l >= 1; --l) {
    b += "<tr><th>" + std::to_string(l) + "</th>";
    for (int i = 1; i <= 5; ++i) {
      b += "<td class=\"" + std::string(RiskLevel(l, i)) + "\">" +
           std::to_string(report["matrix"][l - 1][i - 1].get<int>()) + "</td>";
    }
    b += "</tr>\n";
  }
  b += "</table>\n<table>\n<tr><th>" + Tr(lang, "风险", "Risk") + "</th><th>L</th><th>I</th><th>" +
       Tr(lang, "等级", "Level") + "</th><th>" + Tr(lang, "措施", "Mitigation") + "</th></tr>\n";
  for (const json& r : report["risks"]) {
    b += "<tr><td>" + txt(r, en ? "en" : "zh") + "</td><td>" +
         std::to_string(r.value("likelihood", 0)) + "</td><td>" +
         std::to_string(r.value("impact", 0)) + "</td><td class=\"" + txt(r, "level") + "\">" +
         (r.value("applies", true) ? txt(r, "level") : std::string("n.a.")) + "</td><td>" +
         txt(r, "mitigation") + "</td></tr>\n";
  }
  b += "</table>\n";
  return HtmlPage(en ? "en" : "zh-CN", en ? "PIPIA" : "个人信息保护影响评估", b);
}

}  // namespace jv::workflow
