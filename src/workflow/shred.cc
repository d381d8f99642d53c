#include "src/workflow/shred.h"

#include <nlohmann/json.hpp>

#include "src/workflow/holds.h"

namespace jv::workflow {

bool IsLockedClass(const std::string& key_class) {
  return key_class != vault::kClassProfile;
}

Result<ShredOutcome> ShredSubject(vault::Vault& vault, const std::string& subject_id,
                                  const std::string& reason) {
  return ShredSubjectClasses(vault, subject_id, reason, IsLockedClass);
}

Result<ShredOutcome> ShredSubjectClasses(vault::Vault& vault, const std::string& subject_id,
                                         const std::string& reason, const KeepClass& keep,
                                         const nlohmann::json& extra_details) {
  store::Transaction txn(vault.store());
  JV_RETURN_IF_ERROR(txn.Start());
  JV_ASSIGN_OR_RETURN(ShredOutcome out,
                      ShredSubjectClassesInTxn(vault, subject_id, reason, keep, extra_details));
  JV_RETURN_IF_ERROR(txn.Commit());
  vault.DropKeyCache();
  return out;
}

Result<ShredOutcome> ShredSubjectClassesInTxn(vault::Vault& vault, const std::string& subject_id,
                                              const std::string& reason, const KeepClass& keep,
                                              const nlohmann::json& extra_details) {
  store::Store& st = vault.store();
  JV_ASSIGN_OR_RETURN(HoldSet holds, HoldSet::Load(st));
  // Locked until commit (Store::GetSubjectForUpdate): a response recorded at the same time
  // on another server waits and then sees the shred, instead of overwriting it. Outside a
  // transaction it fails (kFailedPrecondition) before anything is deleted.
  JV_ASSIGN_OR_RETURN(store::SubjectRow subject, st.GetSubjectForUpdate(subject_id));
  JV_ASSIGN_OR_RETURN(std::vector<store::DataKeyRow> keys, st.ListDataKeys(subject_id));
  JV_ASSIGN_OR_RETURN(std::vector<store::RecordRow> records, st.ListRecords(subject_id));

  ShredOutcome out;
  // Classes present as keys or as records (a record without key is unreadable but still
  // deleted with its class).
  std::vector<std::string> classes;
  auto add_class = [&](const std::string& c) {
    for (const auto& x : classes)
      if (x == c) return;
    classes.push_back(c);
  };
  for (const auto& k : keys) add_class(k.key_class);
  for (const auto& r : records) add_class(r.key_class);

  int64_t keys_deleted = 0, records_deleted = 0, indexes_deleted = 0;
  for (const auto& c : classes) {
    if (holds.Covers(subject_id, c)) {
      out.kept_classes.push_back(c);
      out.held_classes.push_back(c);
      continue;
    }
    if (keep(c)) {
      out.kept_classes.push_back(c);
      continue;
    }
    JV_ASSIGN_OR_RETURN(int64_t nk, st.DeleteDataKeys(subject_id, c));
    JV_ASSIGN_OR_RETURN(int64_t nr, st.DeleteRecords(subject_id, c));
    keys_deleted += nk;
    records_deleted += nr;
    out.shredded_classes.push_back(c);
  }
  if (out.kept_classes.empty()) {
    JV_ASSIGN_OR_RETURN(indexes_deleted, st.DeleteIndexes(subject_id));
    out.new_state = "shredded";
  } else {
    out.new_state = "restricted";
  }
  subject.state = out.new_state;
  subject.updated_micros = vault.clock().NowMicros();
  JV_RETURN_IF_ERROR(st.UpdateSubject(subject));
  nlohmann::json details = {{"reason", reason},
                            {"shredded_classes", out.shredded_classes},
                            {"kept_classes", out.kept_classes},
                            {"data_keys_deleted", keys_deleted},
                            {"records_deleted", records_deleted},
                            {"indexes_deleted", indexes_deleted},
                            {"state", out.new_state}};
  if (!out.held_classes.empty()) details["held_classes"] = out.held_classes;
  if (extra_details.is_object()) {
    for (auto it = extra_details.begin(); it != extra_details.end(); ++it) {
      details[it.key()] = it.value();
    }
  }
  JV_RETURN_IF_ERROR(vault.AuditInTxn("subject.shred", subject_id, reason, details).status());
  out.data_keys_deleted = keys_deleted;
  out.records_deleted = records_deleted;
  out.indexes_deleted = indexes_deleted;
  return out;
}

}  // namespace jv::workflow
