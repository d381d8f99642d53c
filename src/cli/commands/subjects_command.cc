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
// Run --as a user (docs/design/cli_access.md), the policy decides on top: find/show need a
// rule for the purpose (default customer_service), --reveal needs the subject.reveal rule
// (the DPO), a --purpose it allows, and the reason; refusals exit 5.
#include "src/classify/fields.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/workflow/subject_view.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;


struct SubjectsArgs {
  std::string mobile, id_number, email, name, member_no;
  std::string id;
  std::string purpose;  // "" = customer_service; required to reveal a restricted subject
  std::string reveal;
  std::string reason;
};

std::string ValueText(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

Date Today(const CommandContext& ctx) { return ChinaDateFromMicros(ctx.clock->NowMicros()); }

// With --as: the policy's decision for the field and purpose (the gate already checked that
// the role has a rule for the action). The key custodian is not asked (ctx.run.role empty).
Status AuthorizeSubjects(const CommandContext& ctx, policy::Action action,
                         const std::string& field, const std::string& purpose_text) {
  if (!ctx.run.role) return Status::Ok();
  std::optional<policy::Purpose> purpose;
  if (!purpose_text.empty()) {
    auto p = policy::ParsePurpose(purpose_text);
    if (!p.ok()) return InvalidArgumentError("--purpose is not a known purpose");
    purpose = *p;
  } else if (action != policy::Action::kSubjectReveal) {
    purpose = policy::Purpose::kCustomerService;  // as the API's default
  }
  std::optional<policy::Field> f;
  if (!field.empty()) {
    auto pf = policy::ParseField(field);
    if (!pf.ok()) return InvalidArgumentError("--reveal names an unknown field");
    f = *pf;
  }
  policy::Decision d = policy::Authorize(*ctx.run.role, action, f, purpose);
  if (!d.allowed) {
    std::string hint = action == policy::Action::kSubjectReveal && !purpose
                           ? " (add --purpose P)"
                           : "";
    return PermissionDeniedError("权限不足 (refused by policy): user " + ctx.run.user + ", " +
                                 d.reason + hint);
  }
  return Status::Ok();
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
  std::pair<std::string, std::string> kv;
  if (!a.mobile.empty()) kv = {"mobile", a.mobile};
  if (!a.id_number.empty()) kv = {"id_number", a.id_number};
  if (!a.email.empty()) kv = {"email", a.email};
  if (!a.name.empty()) kv = {"name", a.name};
  if (!a.member_no.empty()) kv = {"member_no", a.member_no};
  auto key = workflow::SubjectSearchKey(kv.first, kv.second, Today(ctx));
  if (!key.ok()) return InvalidArgumentError("--" + key.status().message());
  return key;
}

void RunFind(CommandContext& ctx, const SubjectsArgs& a) {
  auto key = SearchKey(ctx, a);
  if (ctx.FailIfError(key.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  if (ctx.FailIfError(AuthorizeSubjects(ctx, policy::Action::kSubjectSearch, "", a.purpose))) {
    return;
  }
  auto doc =
      workflow::FindSubjects(**v, key->first, key->second, a.purpose, "subjects find", Today(ctx));
  if (ctx.FailIfError(doc.status())) return;
  std::string human;
  for (const json& s : (*doc)["subjects"]) {
    human += s["id"].get<std::string>() + "  " + s["state"].get<std::string>();
    if (s.contains("restricted")) human += "  (受限存储 restricted: --reveal with --purpose)";
    for (auto it = s["masked"].begin(); it != s["masked"].end(); ++it) {
      human += "  " + it.key() + "=" + it.value().get<std::string>();
    }
    human += "\n";
  }
  if ((*doc)["subjects"].empty()) human = "没有匹配的客户 (no subject matches)\n";
  ctx.Report(*doc, human);
}

void RunShow(CommandContext& ctx, const SubjectsArgs& a) {
  std::optional<workflow::RevealRequest> reveal;
  if (!a.reveal.empty()) {
    if (TrimSpace(a.reason).empty()) {
      return ctx.Fail(PermissionDeniedError(
          "revealing a field in clear needs a written reason: add --reason TEXT"));
    }
    if (!classify::FieldFromName(a.reveal)) {
      return ctx.Fail(InvalidArgumentError("--reveal names an unknown field"));
    }
    reveal = workflow::RevealRequest{a.reveal, a.reason};
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  if (ctx.FailIfError(AuthorizeSubjects(
          ctx, reveal ? policy::Action::kSubjectReveal : policy::Action::kSubjectRead, a.reveal,
          a.purpose))) {
    return;
  }
  auto doc = workflow::ShowSubject(**v, a.id, a.purpose, "subjects show", Today(ctx), reveal);
  if (ctx.FailIfError(doc.status())) return;
  std::string human = a.id + "  " + (*doc)["state"].get<std::string>() + "\n";
  if (doc->contains("note")) human += "  " + (*doc)["note"].get<std::string>() + "\n";
  for (auto it = (*doc)["masked"].begin(); it != (*doc)["masked"].end(); ++it) {
    human += "  " + it.key() + ": " + it.value().get<std::string>() + "\n";
  }
  if (reveal) {
    const json& value = (*doc)["revealed"][a.reveal];
    human +=
        "  " + a.reveal + " (revealed): " + (value.is_null() ? "(none)" : ValueText(value)) + "\n";
  }
  ctx.Report(*doc, human);
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
