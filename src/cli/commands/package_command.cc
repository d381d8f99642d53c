// jadevault package build|verify|import|ack, shred --transferred, certificate deletion
// (SPEC §6 items 6–8, §10; docs/formats/package.md).
//
//   package build --recipient R --out P.age [--json]
//       -> {"ok", "package_id", "recipient", "subjects", "out", "merkle_root",
//           "manifest_sha256", "checkpoint": {"tree_size", "root_hash"}}
//       refused (exit 5) while the gate blocks: {"ok": false, "error": {…},
//       "failing_rules": [ids], "gate": {…}}
//   package verify P.age --identity KEY --signer PUB.pem [--json]
//   package import P.age --identity KEY --signer PUB.pem [--receipt-out R.json] [--json]
//       -> {"ok", "package_id", "subjects_imported", "receipt_out", "transferor_vault_id"}
//   package ack R.json [--signer RECIPIENT_PUB.pem] [--json]
//       -> {"ok", "package_id", "recipient", "recipient_vault_id", "subjects_transferred"}
//   shred --transferred [--json]      -> {"ok", "run", "shredded", "restricted",
//                                         "backup_needed", "backup_epoch", ...}
//   certificate deletion --out cert.json [--html cert.html] [--json]
//       writes cert.json, cert.json.sig (raw signature) and cert.html
#include "src/cli/backup_notice.h"
#include "src/cli/commands/commands.h"
#include "src/cli/status_to_exit.h"
#include "src/cli/unlock.h"
#include "src/common/strings.h"
#include "src/crypto/age.h"
#include "src/crypto/hash.h"
#include "src/workflow/deletion.h"
#include "src/workflow/gate.h"
#include "src/workflow/package.h"
#include "src/workflow/tar.h"

namespace jv::cli {

namespace {

using json = nlohmann::json;

struct PackageArgs {
  std::string recipient;
  std::string out;
  std::string file;
  std::string identity;
  std::string signer;
  std::string receipt_out;
  std::string html;
  bool transferred = false;
};

Result<std::vector<crypto::age::X25519Identity>> LoadIdentities(const std::string& path) {
  if (path.empty()) return InvalidArgumentError("--identity KEY_FILE is required");
  JV_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  auto ids = crypto::age::ParseIdentityFile(text);
  SecureWipe(text.data(), text.size());
  return ids;
}

Result<std::string> LoadPem(const std::string& path) {
  if (path.empty()) return std::string();
  return ReadFileToString(path);
}

void RunBuild(CommandContext& ctx, const PackageArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto gate = workflow::EvaluateGate(**v, a.recipient);
  if (ctx.FailIfError(gate.status())) return;
  auto failing = workflow::BlockingRuleIds(*gate);
  if (!failing.empty()) {
    std::string ids;
    for (const auto& id : failing) ids += (ids.empty() ? "" : ", ") + id;
    std::string msg = "the compliance gate blocks the package: " + ids;
    json doc = {{"ok", false},
                {"error", {{"code", "failed_precondition"}, {"message", msg}}},
                {"failing_rules", failing},
                {"gate", gate->ToJson()}};
    *ctx.err << "jadevault: error: " << msg << "\n";
    if (ctx.opts.json) {
      ctx.Report(doc, "", kExitRefused);
    } else {
      ctx.exit_code = kExitRefused;
    }
    return;
  }
  workflow::BuildOptions o;
  o.recipient_id = a.recipient;
  o.gate = &*gate;
  auto pkg = workflow::BuildPackage(**v, o);
  if (ctx.FailIfError(pkg.status())) return;
  if (ctx.FailIfError(WriteFileAtomic(a.out, AsString(pkg->encrypted), 0600))) return;
  const json& m = pkg->manifest;
  json doc = {{"ok", true},
              {"package_id", pkg->package_id},
              {"recipient", a.recipient},
              {"subjects", pkg->subject_ids.size()},
              {"out", a.out},
              {"merkle_root", m["merkle_root"]},
              {"manifest_sha256", HexEncode(crypto::Sha256(AsBytes(pkg->manifest_json)))},
              {"checkpoint",
               {{"tree_size", m["checkpoint"]["tree_size"]},
                {"root_hash", m["checkpoint"]["root_hash"]}}}};
  ctx.Report(doc, "已生成数据包 (package built) " + pkg->package_id + ": " +
                      std::to_string(pkg->subject_ids.size()) + " subjects -> " + a.out + "\n");
}

void RunVerify(CommandContext& ctx, const PackageArgs& a) {
  auto ids = LoadIdentities(a.identity);
  if (ctx.FailIfError(ids.status())) return;
  auto pem = LoadPem(a.signer);
  if (ctx.FailIfError(pem.status())) return;
  auto file = ReadFileToString(a.file);
  if (ctx.FailIfError(file.status())) return;
  auto plain = crypto::age::Decrypt(AsBytes(*file), *ids);
  if (ctx.FailIfError(plain.status())) return;
  auto members = workflow::ReadTar(plain->view());
  if (ctx.FailIfError(members.status())) return;
  std::string data, manifest, sig;
  for (const auto& m : *members) {
    if (m.name == "data.jsonl") data = m.data;
    if (m.name == "manifest.json") manifest = m.data;
    if (m.name == "manifest.sig") sig = m.data;
  }
  auto m = workflow::VerifyPackageMembers(manifest, AsBytes(sig), data, *pem);
  SecureWipe(data.data(), data.size());
  if (ctx.FailIfError(m.status())) return;
  ctx.Report({{"ok", true},
              {"package_id", (*m)["package_id"]},
              {"subjects", (*m)["subjects"]},
              {"merkle_root", (*m)["merkle_root"]},
              {"vault_id", (*m)["vault_id"]}},
             "数据包验证通过 (package verified)\n");
}

void RunImport(CommandContext& ctx, const PackageArgs& a) {
  auto ids = LoadIdentities(a.identity);
  if (ctx.FailIfError(ids.status())) return;
  if (a.signer.empty()) {
    return ctx.Fail(InvalidArgumentError("--signer PUB.pem (the transferor's key) is required"));
  }
  auto pem = LoadPem(a.signer);
  if (ctx.FailIfError(pem.status())) return;
  auto file = ReadFileToString(a.file);
  if (ctx.FailIfError(file.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  workflow::ImportPackageOptions o;
  o.file = ToBytes(*file);
  o.identities = std::move(ids).value();
  o.signer_pem = *pem;
  auto imp = workflow::ImportPackage(**v, o);
  if (ctx.FailIfError(imp.status())) return;
  std::string receipt_out = a.receipt_out.empty() ? a.file + ".receipt.json" : a.receipt_out;
  if (ctx.FailIfError(WriteFileAtomic(receipt_out, imp->receipt, 0644))) return;
  ctx.Report({{"ok", true},
              {"package_id", imp->package_id},
              {"subjects_imported", imp->subject_ids.size()},
              {"transferor_vault_id", imp->manifest["vault_id"]},
              {"purposes", imp->manifest["purposes"]},
              {"receipt_out", receipt_out}},
             "已导入 (imported) " + std::to_string(imp->subject_ids.size()) +
                 " subjects; receipt -> " + receipt_out + "\n");
}

void RunAck(CommandContext& ctx, const PackageArgs& a) {
  auto text = ReadFileToString(a.file);
  if (ctx.FailIfError(text.status())) return;
  auto pem = LoadPem(a.signer);
  if (ctx.FailIfError(pem.status())) return;
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto ack = workflow::AckPackage(**v, *text, *pem);
  if (ctx.FailIfError(ack.status())) return;
  ctx.Report({{"ok", true},
              {"package_id", ack->package_id},
              {"recipient", ack->recipient_id},
              {"recipient_vault_id", ack->recipient_vault_id},
              {"subjects_transferred", ack->subjects_transferred}},
             "接收方已确认 (acknowledged): " + std::to_string(ack->subjects_transferred) +
                 " subjects transferred\n");
}

void RunShred(CommandContext& ctx, const PackageArgs& a) {
  if (!a.transferred) {
    ctx.Fail(InvalidArgumentError("say what to shred: --transferred"));
    ctx.exit_code = kExitUsage;
    return;
  }
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto run = workflow::ShredTransferred(**v);
  if (ctx.FailIfError(run.status())) return;
  nlohmann::json doc = {{"ok", true},
                        {"run", run->run_id},
                        {"shredded", run->shredded.size()},
                        {"restricted", run->restricted.size()}};
  // Backups taken before this run must not bring the shredded customers back.
  EndBackupEpochAndNotify(ctx, **v, "shred run " + run->run_id,
                          static_cast<int64_t>(run->shredded.size() + run->restricted.size()),
                          doc);
  ctx.Report(doc,
             "已销毁 (shredded) " + std::to_string(run->shredded.size()) + ", 限制处理 (restricted) " +
                 std::to_string(run->restricted.size()) + "\n");
}

void RunCertificate(CommandContext& ctx, const PackageArgs& a) {
  auto v = OpenVault(ctx);
  if (ctx.FailIfError(v.status())) return;
  auto cert = workflow::BuildDeletionCertificate(**v);
  if (ctx.FailIfError(cert.status())) return;
  std::string html = a.html;
  if (html.empty()) {
    html = EndsWith(a.out, ".json") ? a.out.substr(0, a.out.size() - 5) + ".html" : a.out + ".html";
  }
  const std::string sig = a.out + ".sig";
  if (ctx.FailIfError(WriteFileAtomic(a.out, cert->json_text, 0644))) return;
  if (ctx.FailIfError(WriteFileAtomic(sig, AsString(cert->signature), 0644))) return;
  if (ctx.FailIfError(WriteFileAtomic(html, cert->html, 0644))) return;
  ctx.Report({{"ok", true},
              {"out", a.out},
              {"signature", sig},
              {"html", html},
              {"shredded", cert->doc["shredded"]},
              {"restricted", cert->doc["restricted"]},
              {"checkpoint",
               {{"tree_size", cert->doc["checkpoint"]["tree_size"]},
                {"root_hash", cert->doc["checkpoint"]["root_hash"]}}}},
             "已出具删除证明 (certificate written) " + a.out + "\n");
}

}  // namespace

void RegisterPackageCommands(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<PackageArgs>();
  CLI::App* pkg = app.add_subcommand("package", "encrypted, signed packages for recipients");
  pkg->require_subcommand(1);

  CLI::App* build = pkg->add_subcommand("build", "build the package of one recipient");
  build->add_option("--recipient", a->recipient, "recipient id (r_…)")->required();
  build->add_option("--out", a->out, "output .age file")->required();
  build->callback([&ctx, a] { RunBuild(ctx, *a); });

  CLI::App* verify = pkg->add_subcommand("verify", "decrypt and verify a package");
  verify->add_option("FILE", a->file, "package .age file")->required();
  verify->add_option("--identity", a->identity, "age identity file")->required();
  verify->add_option("--signer", a->signer, "transferor's public key PEM")->required();
  verify->callback([&ctx, a] { RunVerify(ctx, *a); });

  CLI::App* imp = pkg->add_subcommand("import", "import a package into this (recipient) vault");
  imp->add_option("FILE", a->file, "package .age file")->required();
  imp->add_option("--identity", a->identity, "age identity file")->required();
  imp->add_option("--signer", a->signer, "transferor's public key PEM")->required();
  imp->add_option("--receipt-out", a->receipt_out, "signed receipt (default FILE.receipt.json)");
  imp->callback([&ctx, a] { RunImport(ctx, *a); });

  CLI::App* ack = pkg->add_subcommand("ack", "verify a recipient's receipt, mark transferred");
  ack->add_option("FILE", a->file, "receipt JSON")->required();
  ack->add_option("--signer", a->signer, "pin the recipient vault's public key PEM");
  ack->callback([&ctx, a] { RunAck(ctx, *a); });

  CLI::App* shred = app.add_subcommand("shred", "crypto-shred customers' data");
  shred->add_flag("--transferred", a->transferred, "every acknowledged (transferred) customer");
  shred->callback([&ctx, a] { RunShred(ctx, *a); });

  CLI::App* cert = app.add_subcommand("certificate", "signed certificates");
  cert->require_subcommand(1);
  CLI::App* del = cert->add_subcommand("deletion", "the deletion certificate");
  del->add_option("--out", a->out, "cert.json (also writes cert.json.sig)")->required();
  del->add_option("--html", a->html, "printable HTML (default: cert.html beside --out)");
  del->callback([&ctx, a] { RunCertificate(ctx, *a); });
}

}  // namespace jv::cli
