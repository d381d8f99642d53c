// The command table covers the command line exactly: every runnable subcommand of the real
// CLI11 tree (BuildApp, as main() builds it) has one entry, and every entry names a real
// subcommand. A new command without a line in command_actions.cc fails here.
#include "src/cli/command_actions.h"

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "src/cli/app.h"

namespace jv::cli {
namespace {

// Runnable nodes: every subcommand that does not require a further subcommand.
void Walk(const CLI::App& app, const std::string& prefix, std::vector<std::string>* runnable,
          std::vector<std::string>* groups) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name().empty()) continue;  // option groups
    std::string path = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    if (sub->get_require_subcommand_min() == 0) {
      runnable->push_back(path);
    } else {
      groups->push_back(path);
    }
    Walk(*sub, path, runnable, groups);
  }
}

struct Tree {
  CommandContext ctx;
  CLI::App app{"test", "jadevault"};
  std::vector<std::string> runnable, groups;
  Tree() {
    BuildApp(app, ctx);
    Walk(app, "", &runnable, &groups);
  }
};

TEST(CommandActionsTest, EveryRunnableSubcommandHasAnEntry) {
  Tree t;
  ASSERT_GT(t.runnable.size(), 50u);  // the walk found the real tree
  for (const std::string& path : t.runnable) {
    EXPECT_NE(FindCommand(path), nullptr)
        << "subcommand `" << path << "` has no line in src/cli/command_actions.cc";
  }
}

TEST(CommandActionsTest, EveryEntryIsARunnableSubcommandAndUnique) {
  Tree t;
  std::set<std::string> runnable(t.runnable.begin(), t.runnable.end());
  std::set<std::string> seen;
  for (const CommandEntry& e : CommandTable()) {
    std::string path(e.path);
    EXPECT_TRUE(seen.insert(path).second) << "duplicate entry " << path;
    EXPECT_EQ(runnable.count(path), 1u) << "entry `" << path << "` is no runnable subcommand";
  }
  for (const std::string& g : t.groups) EXPECT_EQ(FindCommand(g), nullptr) << g;
}

TEST(CommandActionsTest, AlternativeOptionsExistOnTheirCommand) {
  Tree t;
  for (const CommandEntry& e : CommandTable()) {
    if (e.alt_option.empty()) continue;
    const CLI::App* at = &t.app;
    std::string path(e.path);
    size_t pos = 0;
    while (pos <= path.size()) {
      size_t sp = path.find(' ', pos);
      std::string name = path.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
      at = at->get_subcommand(name);
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    EXPECT_NE(at->get_option_no_throw(std::string(e.alt_option)), nullptr) << path;
  }
}

TEST(CommandActionsTest, DecisionsFollowThePolicyTable) {
  for (const CommandEntry& e : CommandTable()) {
    for (policy::Role r : policy::AllRoles()) {
      CommandDecision d = DecideCommand(e, e.action, r, false);
      switch (e.kind) {
        case CommandKind::kNoVault:
        case CommandKind::kCreatesVault:
          EXPECT_TRUE(d.allowed) << e.path;
          break;
        case CommandKind::kCustodianOnly:
          EXPECT_FALSE(d.allowed) << e.path;
          break;
        case CommandKind::kAction: {
          bool rule = policy::HasRule(r, e.action);
          bool masked = false;
          for (const policy::RuleView& rv : policy::Rules()) {
            if (rv.role == r && rv.action == e.action) masked = rv.masked;
          }
          EXPECT_EQ(d.allowed, rule && !(e.prints_clear_pi && masked))
              << e.path << " " << policy::RoleName(r);
          if (d.allowed) {
            EXPECT_EQ(d.masked, masked) << e.path;
          }
          if (!d.allowed) {
            EXPECT_NE(d.reason.find(std::string(policy::RoleName(r))), std::string::npos);
            EXPECT_NE(d.reason.find(std::string(policy::ActionName(e.action))),
                      std::string::npos);
          }
          break;
        }
      }
    }
  }
}

TEST(CommandActionsTest, CustodianAndRequiredUser) {
  const CommandEntry* import = FindCommand("import");
  ASSERT_NE(import, nullptr);
  EXPECT_TRUE(DecideCommand(*import, import->action, std::nullopt, false).allowed);
  EXPECT_FALSE(DecideCommand(*import, import->action, std::nullopt, true).allowed);
  EXPECT_TRUE(DecideCommand(*import, import->action, policy::Role::kDpo, true).allowed);
  EXPECT_FALSE(DecideCommand(*import, import->action, policy::Role::kOperator, true).allowed);
  const CommandEntry* demo = FindCommand("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_TRUE(DecideCommand(*demo, demo->action, std::nullopt, false).allowed);
  EXPECT_FALSE(DecideCommand(*demo, demo->action, std::nullopt, true).allowed);
  const CommandEntry* age = FindCommand("age encrypt");
  ASSERT_NE(age, nullptr);
  EXPECT_TRUE(DecideCommand(*age, age->action, std::nullopt, true).allowed);
}

TEST(CommandActionsTest, RevealIsTheDposAlternative) {
  const CommandEntry* show = FindCommand("subjects show");
  ASSERT_NE(show, nullptr);
  EXPECT_EQ(show->alt_action, policy::Action::kSubjectReveal);
  for (policy::Role r : policy::AllRoles()) {
    EXPECT_EQ(DecideCommand(*show, show->alt_action, r, false).allowed, r == policy::Role::kDpo)
        << policy::RoleName(r);
  }
}

TEST(CommandActionsTest, SelectedPathAfterParse) {
  Tree t;
  std::vector<std::string> args = {"age", "keygen"};
  // Parse without running callbacks' side effects: age keygen prints a key to ctx.out.
  std::ostringstream out;
  t.ctx.out = &out;
  std::vector<std::string> rev(args.rbegin(), args.rend());
  t.app.parse(rev);
  EXPECT_EQ(SelectedCommandPath(t.app), "age keygen");
  EXPECT_EQ(t.ctx.run.command, "age keygen");
}

}  // namespace
}  // namespace jv::cli
