// jadevault subjects find|show (SPEC §4 "Access", §10, §11 "search through blind indexes").
//
//   subjects find (--mobile X | --id-number X | --email X | --name X | --member-no X)
//                 [--purpose P] [--json]
//       -> {"subjects": [{"id", "state", "masked": {field: masked value}}]}
//   subjects show ID [--purpose P] [--reveal FIELD --reason TEXT] [--json]
//       -> {"id", "state", "attrs", "masked", "records": [...], "revealed"?: {FIELD: value}}
//
// The search value is canonicalized the way the importer indexed it, so any accepted
// spelling finds the subject ("+86 138-1234-5678"). Values are shown masked (classify/
// mask.h); each subject whose records were decrypted gets an audit entry "subject.read".
// --reveal shows one field in clear and needs --reason (else exit 5, refused by policy);
// it is audited as "subject.reveal" with the field name and the reason, never the value.
//
// A subject in state "restricted" (a retention run destroyed its deletable classes and a
// legal lock keeps the rest, RULEBOOK P47 / §10) is storage-only: find and show do not
// decrypt it (no masked values; show lists its records' classes and field names only), and
// its data is readable only through --reveal with an explicit --purpose and a --reason
// (else exit 5); the value comes from whichever kept class holds the field (aml_10y, ...).
// Which roles may do that (dpo, auditor) is checked once the policy module exists.
#include <set>

#include "src/classify/email.h"
#include "src/classify/fields.h"
#include "src/classify/id_number.h"
#include "src/classify/mask.h"
#include "src/classify/mobile.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/ingest/importer.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

constexpr char kDefaultPurpose[] = "customer_service";

struct SubjectsArgs {
  std::string mobile, id_number, email, name, member_no;
  std::string id;
  std::string purpose;  // "" = kDefaultPurpose
  std::string reveal;
  std::string reason;
};

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

json Masked(const std::map<std::string, json>& cur) {
  json m = json::object();
  for (const auto& [name, v] : cur) {
    std::optional<classify::Field> f = classify::FieldFromName(name);
    if (!f) continue;  // extra columns ("mobile.c7", "c5") are not shown
    m[name] = classify::MaskValue(*f, ValueText(v));
  }
  return m;
}

Date Today(const CommandContext& ctx) { return ChinaDateFromMicros(ctx.clock->NowMicros()); }

std::string PurposeOf(const SubjectsArgs& a) {
  return a.purpose.empty() ? std::string(kDefaultPurpose) : a.purpose;
}

constexpr char kRestrictedNote[] =
    "受限存储：仅可经 --reveal 并给出 --purpose 与 --reason 读取 (restricted storage: readable "
    "only with --reveal, --purpose and --reason; audited)";

// Current values over every class the subject still has (profile first, then the others in
// class order): what a restricted subject's reveal reads.
std::map<std::string, json> CurrentValuesAnyClass(const std::vector<vault::DecryptedRecord>& recs,
                                                  const Date& today) {
  std::map<std::string, json> cur = ingest::CurrentValues(recs, vault::kClassProfile, today);
  std::set<std::string> classes;
  for (const auto& r : recs) classes.insert(r.key_class);
  for (const std::string& c : classes) {
    if (c == vault::kClassProfile) continue;
    for (auto& [k, v] : ingest::CurrentValues(recs, c, today)) cur.emplace(k, v);
  }
  return cur;
}

// The index kind and canonical value of the one search option given.
Result<std::pair<std::string, std::string>> SearchKey(const CommandContext& ctx,
                                                      const SubjectsArgs& a) {
  int given = !a.mobile.empty() + !a.id_number.empty() + !a.email.empty() + !a.name.empty() +
              !a.member_no.empty();
  if (given != 1) {
    return InvalidArgumentError(
        "give exactly one of --mobile, --id-number, --email, --name, --member-no");
  }
  if (!a.mobile.empty()) {
    auto m = classify::CheckMobile(a.mobile);
    if (!m.valid()) return InvalidArgumentError("--mobile is not a valid mainland mobile number");
    return std::make_pair(std::string("mobile"), m.value);
  }
  if (!a.id_number.empty()) {
    classify::IdNumber n = classify::CheckIdNumber(a.id_number, Today(ctx));
    if (!n.valid()) return InvalidArgumentError("--id-number is not a valid ID number");
    return std::make_pair(std::string("id_number"), n.canonical);
  }
  if (!a.email.empty()) {
    auto m = classify::CheckEmail(a.email);
    if (!m.valid()) return InvalidArgumentError("--email is not a valid e-mail address");
    return std::make_pair(std::string("email"), m.value);
  }
  if (!a.name.empty()) {
    std::string n = ingest::CanonicalName(a.name);
    if (n.empty()) return InvalidArgumentError("--name is empty");
    return std::make_pair(std::string("name"), n);
  }
  std::string n = ingest::CanonicalMemberNo(a.member_no);
  if (n.empty()) return InvalidArgumentError("--member-no is empty");
  return std::make_pair(std::string("member_no"), n);
}

// Appends one "subject.read" entry per subject, all in one transaction.
Status AuditReads(vault::Vault& v, const std::vector<std::string>& ids, const std::string& purpose,
                  const std::string& command) {
  if (ids.empty()) return Status::Ok();
  store::Transaction txn(v.store());
  JV_RETURN_IF_ERROR(txn.Start());
  for (const std::string& id : ids) {
    JV_RETURN_IF_ERROR(v.AuditInTxn("subject.read", id, purpose, {{"command", command}}).status());
  }
  return txn.Commit();
}

void RunFind(CommandContext& ctx, const SubjectsArgs& a) {
  auto key = SearchKey(ctx, a);
  if (ctx.FailIfError(key.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  vault::Vault& vault = **v;
  auto ids = vault.FindByIndex(key->first, key->second);
  if (ctx.FailIfError(ids.status())) return;
  std::vector<std::string> unique;
  std::set<std::string> seen;
  for (const std::string& id : *ids) {
    if (seen.insert(id).second) unique.push_back(id);
  }
  json list = json::array();
  std::vector<std::string> read;
  std::string human;
  for (const std::string& id : unique) {
    auto s = vault.store().GetSubject(id);
    if (ctx.FailIfError(s.status())) return;
    if (s->state == "restricted") {
      human += id + "  " + s->state + "  (" + kRestrictedNote + ")\n";
      list.push_back({{"id", id}, {"state", s->state}, {"masked", json::object()},
                      {"restricted", true}});
      continue;
    }
    auto recs = vault.ReadRecords(id);
    if (ctx.FailIfError(recs.status())) return;
    read.push_back(id);
    json masked = Masked(ingest::CurrentValues(*recs, vault::kClassProfile, Today(ctx)));
    human += id + "  " + s->state;
    for (auto it = masked.begin(); it != masked.end(); ++it) {
      human += "  " + it.key() + "=" + it.value().get<std::string>();
    }
    human += "\n";
    list.push_back({{"id", id}, {"state", s->state}, {"masked", std::move(masked)}});
  }
  if (ctx.FailIfError(AuditReads(vault, read, PurposeOf(a), "subjects find"))) return;
  if (unique.empty()) human = "没有匹配的客户 (no subject matches)\n";
  ctx.Report({{"subjects", list}}, human);
}

void RunShow(CommandContext& ctx, const SubjectsArgs& a) {
  if (!a.reveal.empty()) {
    if (TrimSpace(a.reason).empty()) {
      return ctx.Fail(PermissionDeniedError(
          "revealing a field in clear needs a written reason: add --reason TEXT"));
    }
    std::optional<classify::Field> f = classify::FieldFromName(a.reveal);
    if (!f) return ctx.Fail(InvalidArgumentError("--reveal names an unknown field"));
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  vault::Vault& vault = **v;
  auto s = vault.store().GetSubject(a.id);
  if (!s.ok()) {
    if (s.status().code() == StatusCode::kNotFound) {
      return ctx.Fail(NotFoundError("no subject with id " + a.id));
    }
    return ctx.Fail(s.status());
  }
  const bool restricted = s->state == "restricted";
  if (restricted && !a.reveal.empty() && a.purpose.empty()) {
    return ctx.Fail(PermissionDeniedError(
        "this subject is restricted (storage only): reading it needs --purpose and --reason"));
  }
  json attrs = json::parse(s->attrs_json, nullptr, false);
  if (attrs.is_discarded()) attrs = json::object();
  json records = json::array();
  std::vector<vault::DecryptedRecord> decrypted;
  if (restricted && a.reveal.empty()) {
    // Storage only: list what is kept (class, field names) without decrypting anything.
    auto rows = vault.store().ListRecords(a.id);
    if (ctx.FailIfError(rows.status())) return;
    for (const store::RecordRow& r : *rows) {
      json names = json::array();
      for (auto part : Split(r.fields, ',')) {
        if (!part.empty() && part[0] != '_') names.push_back(std::string(part));
      }
      records.push_back({{"id", r.id},
                         {"key_class", r.key_class},
                         {"source_id", r.source_id},
                         {"row_no", r.row_no},
                         {"fields", names},
                         {"created", FormatRfc3339Seconds(r.created_micros)}});
    }
  } else {
    auto recs = vault.ReadRecords(a.id);
    if (ctx.FailIfError(recs.status())) return;
    decrypted = std::move(*recs);
  }
  std::map<std::string, json> cur =
      restricted ? CurrentValuesAnyClass(decrypted, Today(ctx))
                 : ingest::CurrentValues(decrypted, vault::kClassProfile, Today(ctx));
  for (const vault::DecryptedRecord& r : decrypted) {
    json names = json::array();
    for (auto it = r.fields.begin(); it != r.fields.end(); ++it) {
      if (!it.key().empty() && it.key()[0] != '_') names.push_back(it.key());
    }
    records.push_back({{"id", r.id},
                       {"key_class", r.key_class},
                       {"source_id", r.source_id},
                       {"row_no", r.row_no},
                       {"fields", names},
                       {"created", FormatRfc3339Seconds(r.created_micros)}});
  }
  json doc = {{"id", s->id},
              {"state", s->state},
              {"attrs", attrs},
              {"masked", restricted ? json::object() : Masked(cur)},
              {"records", records},
              {"created", FormatRfc3339Seconds(s->created_micros)},
              {"updated", FormatRfc3339Seconds(s->updated_micros)}};
  if (restricted) {
    doc["restricted"] = true;
    doc["note"] = kRestrictedNote;
  }
  std::string human = s->id + "  " + s->state + "\n";
  if (restricted) human += std::string("  ") + kRestrictedNote + "\n";
  for (auto it = doc["masked"].begin(); it != doc["masked"].end(); ++it) {
    human += "  " + it.key() + ": " + it.value().get<std::string>() + "\n";
  }
  {
    store::Transaction txn(vault.store());
    if (ctx.FailIfError(txn.Start())) return;
    auto st = vault.AuditInTxn("subject.read", s->id, PurposeOf(a),
                               {{"command", "subjects show"}, {"restricted", restricted}});
    if (ctx.FailIfError(st.status())) return;
    if (!a.reveal.empty()) {
      st = vault.AuditInTxn("subject.reveal", s->id, PurposeOf(a),
                            {{"field", a.reveal}, {"reason", a.reason}, {"restricted", restricted}});
      if (ctx.FailIfError(st.status())) return;
    }
    if (ctx.FailIfError(txn.Commit())) return;
  }
  if (!a.reveal.empty()) {
    auto it = cur.find(a.reveal);
    json value = it == cur.end() ? json(nullptr) : it->second;
    doc["revealed"] = {{a.reveal, value}};
    human += "  " + a.reveal + " (revealed): " + (value.is_null() ? "(none)" : ValueText(value)) +
             "\n";
  }
  ctx.Report(doc, human);
}

}  // namespace

void RegisterSubjectsCommands(CLI::App& app, CommandContext& ctx) {
  auto args = std::make_shared<SubjectsArgs>();
  CLI::App* subjects = app.add_subcommand("subjects", "find and show customers (masked)");
  subjects->require_subcommand(1);

  CLI::App* find = subjects->add_subcommand("find", "find subjects through the blind indexes");
  find->add_option("--mobile", args->mobile, "mobile number, any accepted spelling");
  find->add_option("--id-number", args->id_number, "ID number (18 or 15 digits)");
  find->add_option("--email", args->email, "e-mail address");
  find->add_option("--name", args->name, "name (exact, spaces ignored)");
  find->add_option("--member-no", args->member_no, "member number");
  find->add_option("--purpose", args->purpose, "why the data is read (audited)");
  find->callback([&ctx, args] { RunFind(ctx, *args); });

  CLI::App* show = subjects->add_subcommand("show", "show one subject, masked");
  show->add_option("ID", args->id, "subject id (s_...)")->required();
  show->add_option("--purpose", args->purpose,
                   "why the data is read (audited; required to reveal a restricted subject)");
  show->add_option("--reveal", args->reveal, "show this field in clear (needs --reason)");
  show->add_option("--reason", args->reason, "written reason for --reveal (audited)");
  show->callback([&ctx, args] { RunShow(ctx, *args); });
}

}  // namespace jv::cli
