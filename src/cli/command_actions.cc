#include "src/cli/command_actions.h"

namespace jv::cli {

namespace {

using policy::Action;
using K = CommandKind;

CommandEntry Kind(std::string_view path, K kind) {
  return {path, kind, Action::kStatusRead, "", Action::kStatusRead, false};
}
CommandEntry NoVault(std::string_view path) { return Kind(path, K::kNoVault); }
CommandEntry Creates(std::string_view path) { return Kind(path, K::kCreatesVault); }
CommandEntry Does(std::string_view path, Action a, bool prints_clear_pi = false) {
  return {path, K::kAction, a, "", Action::kStatusRead, prints_clear_pi};
}

// Rule of thumb for a new command: the action whose rule's note describes what the command
// shows or changes (policy.cc); a command that prints PI in clear says so (true).
const std::vector<CommandEntry>& Table() {
  static const std::vector<CommandEntry> kTable = {
      // No vault.
      NoVault("age keygen"),
      NoVault("age encrypt"),
      NoVault("age decrypt"),
      NoVault("datagen"),
      NoVault("scan"),
      NoVault("policy table"),
      NoVault("access table"),
      NoVault("assess template"),
      NoVault("notices template check"),
      NoVault("liquidation notices template check"),
      NoVault("package verify"),
      // A new vault: nobody but the custodian exists yet.
      Creates("init"),
      Creates("restore"),
      // Only the custodian: the demo adds a synthetic company to whatever vault it opens.
      Kind("demo", K::kCustodianOnly),
      // Subjects: masked; --reveal is its own action (the DPO, with a reason).
      Does("subjects find", Action::kSubjectSearch),
      {"subjects show", K::kAction, Action::kSubjectRead, "--reveal", Action::kSubjectReveal,
       false},
      // Audit.
      Does("audit verify", Action::kAuditVerify),
      Does("audit checkpoint", Action::kAuditVerify),
      Does("audit prove", Action::kAuditVerify),
      Does("audit export", Action::kAuditRead),
      // Administration: users, settings, keys, backups, the server.
      Does("users add", Action::kUsersManage),
      Does("users list", Action::kUsersManage),
      Does("settings show", Action::kSettingsManage),
      Does("settings set", Action::kSettingsManage),
      Does("keys rotate", Action::kSettingsManage),
      Does("keys check", Action::kSettingsManage),
      Does("keys split", Action::kSettingsManage),
      Does("backup", Action::kSettingsManage),
      Does("serve", Action::kSettingsManage),
      // Counts and gates, no PI (report.h: "any role may read them").
      Does("check", Action::kStatusRead),
      Does("report", Action::kStatusRead),
      // Import (a package import adds subjects just like a file import).
      Does("import", Action::kImport),
      Does("package import", Action::kImport),
      // The transfer.
      Does("transfer setup", Action::kTransferManage),
      Does("recipients add", Action::kTransferManage),
      Does("recipients list", Action::kTransferManage),
      Does("allocate", Action::kTransferManage),
      Does("notices plan", Action::kTransferManage),
      Does("notices render", Action::kTransferManage, /*prints_clear_pi=*/true),
      Does("notices send", Action::kTransferManage),
      Does("notices receipts", Action::kTransferManage),
      Does("notices announcement", Action::kTransferManage),
      Does("package build", Action::kTransferManage),
      Does("package ack", Action::kTransferManage),
      Does("shred", Action::kTransferManage),
      Does("certificate deletion", Action::kTransferManage),
      // Customers' answers and consents: the staff who take the call or letter.
      Does("responses record", Action::kResponseRecord),
      Does("crossborder consent", Action::kResponseRecord),
      // Customer-rights requests.
      Does("requests open", Action::kRequestsManage),
      Does("requests list", Action::kRequestsManage),
      Does("requests fulfil", Action::kRequestsManage),
      Does("requests refuse", Action::kRequestsManage),
      // Liquidation.
      Does("liquidation setup", Action::kLiquidationManage),
      Does("liquidation deadlines", Action::kLiquidationManage),
      Does("liquidation creditors", Action::kLiquidationManage),
      Does("liquidation close", Action::kLiquidationManage),
      Does("liquidation notices plan", Action::kLiquidationManage),
      Does("liquidation notices render", Action::kLiquidationManage, /*prints_clear_pi=*/true),
      Does("liquidation notices send", Action::kLiquidationManage),
      Does("claims record", Action::kLiquidationManage),
      Does("claims list", Action::kLiquidationManage),
      Does("items list", Action::kLiquidationManage),
      Does("items return", Action::kLiquidationManage),
      // Retention and holds.
      Does("retention rules", Action::kRetentionManage),
      Does("retention settings", Action::kRetentionManage),
      Does("retention aml-scan", Action::kRetentionManage),
      Does("retention plan", Action::kRetentionManage),
      Does("retention run", Action::kRetentionManage),
      Does("holds add", Action::kRetentionManage),
      Does("holds list", Action::kRetentionManage),
      Does("holds release", Action::kRetentionManage),
      // Governance.
      Does("assess", Action::kGovernanceManage),
      Does("officer set", Action::kGovernanceManage),
      Does("officer filing", Action::kGovernanceManage),
      Does("officer show", Action::kGovernanceManage),
      Does("crossborder status", Action::kGovernanceManage),
      Does("crossborder record", Action::kGovernanceManage),
      Does("crossborder list", Action::kGovernanceManage),
      Does("incident open", Action::kGovernanceManage),
      Does("incident list", Action::kGovernanceManage),
      Does("incident show", Action::kGovernanceManage),
      Does("incident update", Action::kGovernanceManage),
      Does("incident drafts", Action::kGovernanceManage),
      Does("incident send", Action::kGovernanceManage),
      Does("incident close", Action::kGovernanceManage),
  };
  return kTable;
}

// The rule's `masked` for (role, action); only called when HasRule is true.
bool RuleMasked(policy::Role role, Action action) {
  for (const policy::RuleView& r : policy::Rules()) {
    if (r.role == role && r.action == action) return r.masked;
  }
  return true;
}

std::string Quoted(std::string_view path) { return "`" + std::string(path) + "`"; }

}  // namespace

const std::vector<CommandEntry>& CommandTable() { return Table(); }

const CommandEntry* FindCommand(std::string_view path) {
  for (const CommandEntry& e : Table()) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

CommandDecision DecideCommand(const CommandEntry& entry, Action action,
                              std::optional<policy::Role> role, bool requires_user) {
  CommandDecision d;
  switch (entry.kind) {
    case K::kNoVault:
    case K::kCreatesVault:
      d.allowed = true;
      d.reason = Quoted(entry.path) + " needs no user";
      return d;
    case K::kCustodianOnly:
      if (role) {
        d.reason = Quoted(entry.path) + " is run by the key custodian only, not as a user";
      } else if (requires_user) {
        d.reason = "this vault requires a user (access.cli_requires_user) and " +
                   Quoted(entry.path) + " cannot run as one";
      } else {
        d.allowed = true;
        d.reason = Quoted(entry.path) + ": the key custodian";
      }
      return d;
    case K::kAction:
      break;
  }
  std::string act(policy::ActionName(action));
  if (!role) {
    if (requires_user) {
      d.reason = "this vault requires a user (access.cli_requires_user): run " +
                 Quoted(entry.path) + " with --as USER (action " + act + ")";
      return d;
    }
    d.allowed = true;
    d.reason = Quoted(entry.path) + ": the key custodian (action " + act + ")";
    return d;
  }
  std::string who = "role " + std::string(policy::RoleName(*role));
  if (!policy::HasRule(*role, action)) {
    d.reason = who + " may not " + act + " (command " + Quoted(entry.path) + ")";
    return d;
  }
  d.masked = RuleMasked(*role, action);
  if (entry.prints_clear_pi && d.masked) {
    d.reason = who + " sees masked values for " + act + ", and " + Quoted(entry.path) +
               " prints personal information in clear";
    return d;
  }
  d.allowed = true;
  d.reason = who + " may " + act + " (command " + Quoted(entry.path) + ")";
  return d;
}

std::string_view CommandKindName(CommandKind k) {
  switch (k) {
    case K::kNoVault: return "no_vault";
    case K::kCreatesVault: return "creates_vault";
    case K::kCustodianOnly: return "custodian_only";
    case K::kAction: return "action";
  }
  return "action";
}

}  // namespace jv::cli
