// The transfer's second half in `jadevault demo` (demo_steps.h).
#include <filesystem>
#include <vector>

#include "src/cli/commands/demo_steps.h"
#include "src/cli/unlock.h"
#include "src/common/date.h"
#include "src/common/strings.h"
#include "src/workflow/assess.h"
#include "src/workflow/deletion.h"
#include "src/workflow/delivery.h"
#include "src/workflow/gate.h"
#include "src/workflow/notices.h"
#include "src/workflow/package.h"
#include "src/workflow/transfer.h"

namespace jv::cli::demo {

namespace {

// The demo's stand-in for an SMTP server: one RFC 5322 file per e-mail notice, 0600, in
// <outbox>/mail/. Real use sends with `notices send --channel smtp`.
class DemoMailbox : public workflow::NoticeSink {
 public:
  explicit DemoMailbox(std::string dir) : dir_(std::move(dir)) {}
  std::vector<std::string> Channels() const override { return {"email"}; }
  Status Send(const workflow::RenderedNotice& n) override {
    pending_.push_back(
        {n.notice_id, workflow::BuildMail("notice@demo.invalid", n.to, "关于您的个人信息转移的告知",
                                          n.text, n.notice_id + "@demo.invalid")});
    return Status::Ok();
  }
  Status Flush() override {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) return InternalError("cannot create the demo mailbox directory");
    for (const auto& [id, text] : pending_) {
      JV_RETURN_IF_ERROR(WriteFileAtomic(dir_ + "/" + id + ".eml", text, 0600));
    }
    pending_.clear();
    return Status::Ok();
  }
  std::string BatchLabel() const override { return "demo-mailbox"; }

 private:
  std::string dir_;
  std::vector<std::pair<std::string, std::string>> pending_;
};

std::string Join(const std::vector<std::string>& ids) {
  std::string s;
  for (const auto& id : ids) s += (s.empty() ? "" : ", ") + id;
  return s;
}

}  // namespace

Result<std::unique_ptr<vault::Vault>> CreateOrOpenDemoVault(CommandContext& ctx,
                                                            const std::string& dir,
                                                            const std::string& company,
                                                            const std::string& case_type,
                                                            Clock& clock, bool* created) {
  *created = false;
  if (!vault::Vault::ReadConfig(dir).ok()) {
    vault::InitOptions o;
    o.dir = dir;
    o.company = company;
    o.case_type = case_type;
    o.scrypt.n = uint64_t{1} << 15;
    JV_ASSIGN_OR_RETURN(o.passphrase, ReadPassphrase(ctx, false));
    JV_RETURN_IF_ERROR(vault::Vault::Init(o, clock, *ctx.random).status());
    *created = true;
  }
  JV_ASSIGN_OR_RETURN(vault::UnlockOptions unlock, ReadUnlockOptions(ctx));
  JV_ASSIGN_OR_RETURN(auto v, vault::Vault::Open(dir, std::move(unlock), clock, *ctx.random));
  v->set_actor("cli:demo");
  return v;
}

Status FinishDemoTransfer(CommandContext& ctx, vault::Vault& v, DemoClock& clock,
                          const TransferDemoInput& in, std::string* human,
                          nlohmann::json* section) {
  nlohmann::json& s = *section;
  const std::string outbox = in.exports_dir + "/outbox";
  // E-mail notices (the file outbox takes SMS and letters) and the announcement list.
  DemoMailbox mailbox(outbox + "/mail");
  JV_ASSIGN_OR_RETURN(workflow::SendResult mailed,
                      workflow::SendNotices(v, mailbox, "demo-mail", nullptr));
  JV_ASSIGN_OR_RETURN(workflow::AnnouncementResult announced,
                      workflow::WriteAnnouncement(v, outbox + "/announcement.txt"));
  s["emailed_to_demo_mailbox"] = mailed.sent;
  s["announced"] = announced.listed;
  *human += "   邮件与公告 (e-mail and announcement): " + std::to_string(mailed.sent) +
            " e-mails written to the demo mailbox " + outbox + "/mail (real use: SMTP), " +
            std::to_string(announced.listed) + " customers on the announcement list\n";

  // PIPL 55: the impact assessment, with the questionnaire's default answers.
  JV_ASSIGN_OR_RETURN(workflow::PipiaResult pia,
                      workflow::RunAssessment(v, workflow::PipiaTemplate()));
  s["pipia"] = pia.id;
  *human += "   影响评估 (impact assessment, PIPL 55) " + pia.id +
            " with the template's default answers (`jadevault assess`)\n";

  // The objection window: the demo moves its clock; a real transfer waits.
  JV_ASSIGN_OR_RETURN(workflow::TransferSettings t, workflow::GetTransfer(v));
  clock.AdvanceDays(t.objection_days + 1);
  const std::string now = ChinaDateFromMicros(clock.NowMicros()).ToString();
  s["fast_forward_days"] = t.objection_days + 1;
  s["demo_date"] = now;
  *human += "   时间快进 (demo clock fast-forwarded) " + std::to_string(t.objection_days + 1) +
            " days to " + now + " — the objection window has passed (a real transfer waits)\n";

  JV_ASSIGN_OR_RETURN(workflow::GateReport gate, workflow::EvaluateGate(v, in.recipient_id));
  s["gate"] = gate.ToJson();
  std::vector<std::string> failing = workflow::BlockingRuleIds(gate);
  s["gate_open"] = failing.empty();
  if (!failing.empty()) {
    *human += "   合规闸门 (gate, `jadevault check`): still waits for " + Join(failing) + "\n";
    return Status::Ok();
  }
  *human += "   合规闸门 (gate, `jadevault check`): 开启 open — every blocking rule passes\n";

  // The package, encrypted to the recipient.
  workflow::BuildOptions bo;
  bo.recipient_id = in.recipient_id;
  bo.gate = &gate;
  JV_ASSIGN_OR_RETURN(workflow::BuiltPackage pkg, workflow::BuildPackage(v, bo));
  const std::string pkg_path = in.exports_dir + "/package-" + in.recipient_id + ".age";
  JV_RETURN_IF_ERROR(WriteFileAtomic(pkg_path, AsString(pkg.encrypted), 0600));
  s["package"] = {{"id", pkg.package_id}, {"subjects", pkg.subject_ids.size()}, {"out", pkg_path}};
  *human += "   数据包 (package) " + pkg.package_id + ": " +
            std::to_string(pkg.subject_ids.size()) + " customers, signed and encrypted to " +
            "the recipient -> " + pkg_path + "\n";

  // The recipient imports it into its own vault and signs a receipt.
  const std::string rdir = ctx.opts.vault_dir + ".recipient";
  bool created = false;
  JV_ASSIGN_OR_RETURN(auto rv, CreateOrOpenDemoVault(ctx, rdir, "玉匣演示承接珠宝有限公司",
                                                     "transfer", clock, &created));
  workflow::ImportPackageOptions io;
  io.file = pkg.encrypted;
  io.identities.push_back(std::move(*in.identity));  // not used again
  io.signer_pem = v.signer().PublicKeyPem();
  JV_ASSIGN_OR_RETURN(workflow::ImportedPackage imported, workflow::ImportPackage(*rv, io));
  const std::string receipt_path = pkg_path + ".receipt.json";
  JV_RETURN_IF_ERROR(WriteFileAtomic(receipt_path, imported.receipt, 0644));
  JV_ASSIGN_OR_RETURN(workflow::AckResult ack,
                      workflow::AckPackage(v, imported.receipt, rv->signer().PublicKeyPem()));
  s["recipient_vault"] = rdir;
  s["imported_by_recipient"] = imported.subject_ids.size();
  s["transferred"] = ack.subjects_transferred;
  *human += "   接收方导入 (recipient imported) " + std::to_string(imported.subject_ids.size()) +
            " customers into its vault " + rdir +
            "; signed receipt acknowledged: " + std::to_string(ack.subjects_transferred) +
            " transferred\n";

  // The transferor destroys its copy (PIPL 47) and certifies it.
  JV_ASSIGN_OR_RETURN(workflow::ShredRunResult shred, workflow::ShredTransferred(v));
  JV_ASSIGN_OR_RETURN(workflow::DeletionCertificate cert, workflow::BuildDeletionCertificate(v));
  const std::string cert_path = in.exports_dir + "/deletion-certificate.json";
  JV_RETURN_IF_ERROR(WriteFileAtomic(cert_path, cert.json_text, 0644));
  JV_RETURN_IF_ERROR(WriteFileAtomic(cert_path + ".sig", AsString(cert.signature), 0644));
  JV_RETURN_IF_ERROR(
      WriteFileAtomic(in.exports_dir + "/deletion-certificate.html", cert.html, 0644));
  s["shredded"] = shred.shredded.size();
  s["restricted"] = shred.restricted.size();
  s["certificate"] = cert_path;
  *human += "   销毁 (crypto-shredded) " + std::to_string(shred.shredded.size()) +
            " transferred customers, " + std::to_string(shred.restricted.size()) +
            " restricted; 删除证明 (deletion certificate) -> " + cert_path + "\n";
  return Status::Ok();
}

}  // namespace jv::cli::demo
