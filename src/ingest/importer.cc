#include "src/ingest/importer.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "src/classify/dates.h"
#include "src/classify/divisions.h"
#include "src/classify/fields.h"
#include "src/classify/free_text.h"
#include "src/classify/id_number.h"
#include "src/classify/person.h"
#include "src/common/random.h"
#include "src/common/secret_buffer.h"
#include "src/common/strings.h"
#include "src/crypto/aead.h"
#include "src/crypto/hash.h"
#include "src/ingest/json_text.h"
#include "src/ingest/record_builder.h"
#include "src/ingest/row_reader.h"
#include "src/ingest/subject_attrs.h"
#include "src/ingest/subject_resolver.h"

namespace jv::ingest {

namespace {

using json = nlohmann::json;

constexpr int32_t kUnknown = INT32_MIN;     // birth date not known yet (subject from the store)
constexpr int32_t kNoDate = INT32_MIN + 1;  // known: there is none
constexpr int kItemsCategory = 9;           // bit after the classify::FieldCategory values
constexpr const char* kStatusRunning = "running";
constexpr const char* kStatusComplete = "complete";

bool IsDate(int32_t d) { return d != kUnknown && d != kNoDate; }

std::string_view CategoryName(int bit) {
  if (bit == kItemsCategory) return "customer_items";
  return classify::FieldCategoryName(static_cast<classify::FieldCategory>(bit));
}

Status WithPath(const std::string& path, const Status& st) {
  return Status(st.code(), path + ": " + std::string(st.message()));
}

Result<std::string> HashFile(const std::string& path, crypto::Suite suite) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return NotFoundError(path + ": no such file (or it cannot be read)");
  crypto::Hasher h(suite);
  std::vector<uint8_t> buf(1 << 20);
  for (;;) {
    size_t n = std::fread(buf.data(), 1, buf.size(), f);
    if (n > 0) h.Update(ByteView(buf.data(), n));
    if (n < buf.size()) break;
  }
  bool err = std::ferror(f) != 0;
  std::fclose(f);
  if (err) return DataLossError(path + ": read error");
  return HexEncode(h.Final());
}

// The earlier imports of a file (same hash and kind) that decide what importing it again
// does: the interrupted one (resumed) and the latest completed one (refused unless
// --force). Sources are listed oldest first, so the last of each state wins.
struct EarlierImports {
  std::optional<store::SourceRow> running, complete;
  // The one that decides: an interrupted import before a completed one.
  const std::optional<store::SourceRow>& deciding() const { return running ? running : complete; }
};

Result<EarlierImports> FindEarlierImports(store::Store& s, const std::string& file_hash,
                                          ImportKind kind) {
  JV_ASSIGN_OR_RETURN(std::vector<store::SourceRow> sources, s.ListSources());
  EarlierImports out;
  for (store::SourceRow& src : sources) {
    if (src.file_hash != file_hash || src.kind != ImportKindName(kind)) continue;
    if (src.status == kStatusRunning) out.running = std::move(src);
    if (src.status == kStatusComplete) out.complete = std::move(src);
  }
  return out;
}

// Customer-row fields whose presence makes a row importable (SPEC §5.4).
constexpr std::string_view kIdentifyingFields[] = {"name",  "mobile",  "id_number",
                                                   "email", "address", "member_no"};

class Importer {
 public:
  Importer(const ImportOptions& o, vault::Vault* v, Clock& clock)
      : o_(o), v_(v), clock_(clock), fields_(ImportKindFields(o.kind)) {
  }

  ~Importer() {
    JoinWriter().IgnoreError();
    for (PendingRow& r : pending_rows_) SecureWipe(r.plain.data(), r.plain.size());
  }

  Result<ImportReport> Run();
  std::vector<ColumnStats> column_stats;

 private:
  // The file as reports and messages name it (ImportOptions::name).
  const std::string& shown_path() const { return o_.name.empty() ? o_.path : o_.name; }

  struct PendingRow {
    int64_t row_no = 0;
    uint32_t subject = 0;
    bool placeholder = false;
    std::string names;  // record field names, comma-separated
    std::string plain;  // record JSON (wiped after sealing)
    Bytes sealed;       // the sealed record, when the main thread could seal it
    std::vector<std::pair<const char*, Bytes>> index;
  };
  struct PendingSubject {
    uint32_t idx = 0;
    bool created = false;
    uint32_t categories = 0;
    bool has_store = false;
    std::string store;
    int region_from = 0;  // 0 none, 1 address, 2 ID number
    std::string province, city;
  };
  // The record of the current row.
  RecordBuilder record_;

  Status PrePass();
  Status Setup();
  // Loads every resolver key of the vault (ID number, mobile, e-mail, member number) into
  // resolver_, then LoadPriorRows.
  Status LoadResolver();
  // The earlier import of this file (same hash and kind) that decides what this run does:
  // an interrupted one (resumed) before a completed one (refused unless --force). Also
  // remembers the latest completed one in prior_source_id_.
  Result<std::optional<store::SourceRow>> PreviousImport();
  // A forced re-import (or the resumption of one): loads prior_subject_ from the records of
  // prior_source_id_. `local`: the store's subjects LoadResolver met, id -> resolver index.
  Status LoadPriorRows(std::unordered_map<std::string, uint32_t>& local);
  Status MainPass();
  Status ProcessRow(const Row& row);
  // The rows and subjects of one batch, handed to the writer thread with everything it
  // needs (the main thread goes on mutating resolver_, report_, id_birth_ meanwhile).
  struct Batch {
    struct Subject {
      PendingSubject p;
      std::string sid;
      bool has_id = false;  // customers: the subject holds an ID number after the batch
      bool minor = false;   // customers: under 14 by its effective birth date
      // Created subjects only, made by the main thread (SealCreated).
      std::string attrs_json;
      Bytes wrapped_key;
    };
    bool final = false;
    int64_t now = 0;
    int64_t last_row_no = 0;
    ImportReport report;  // the counts up to this batch (before its minors change)
    std::string placeholder_id;
    bool placeholder_pending = false;
    std::vector<Subject> subjects;
    std::vector<PendingRow> rows;
    std::vector<std::string> row_sids;  // subject id per row
    // The rows' index entries as one run sorted by (kind, mac) and, among equal ones, by
    // row (SortIndexRun, on the main thread).
    std::vector<store::IndexRow> index_run;
    // Results, read after the join.
    Status status;
    int minors_delta = 0;
  };
  // Hands the pending rows to the writer thread (joining the previous batch first); the
  // final batch is joined before returning. Scan mode only counts.
  Status FlushBatch(bool final);
  // Waits for the batch in flight, if any, and takes in its result.
  Status JoinWriter();
  // On the main thread, while the writer may still be writing the previous batch: the
  // attributes and the wrapped data key of each subject the batch creates, and the sealed
  // records of the rows those subjects hold. Needs no store access (the rows of subjects
  // from earlier batches are sealed by the writer, which reads their keys).
  Status SealCreated(Batch& b);
  // On the main thread: moves the rows' index entries (their MACs) into b.index_run.
  void SortIndexRun(Batch& b) const;
  // Seals a row's record JSON under `dek` (as Vault::AddRecord does) into r.sealed and
  // wipes the JSON. `aead` is the calling thread's (main_aead_ or writer_aead_), made on
  // first use and re-keyed for each row.
  Status SealRow(PendingRow& r, const std::string& sid, const std::string& key_class,
                 const SecretBuffer& dek, std::unique_ptr<crypto::Aead>& aead) const;
  // A subject's attributes after this import's batch: `a` is what the store holds.
  // Adds the change in minors to *minors_delta.
  json SubjectAttrs(const Batch::Subject& bs, json a, int* minors_delta) const;
  // The same for a subject this batch creates (what SubjectAttrs makes of an empty
  // object), written without a json object (subject_attrs.h).
  std::string CreatedAttrs(const Batch::Subject& bs, int* minors_delta) const;
  // One batch = one store transaction (runs on the writer thread).
  Status WriteBatch(Batch& b);
  Status LoadBirth(uint32_t idx);
  PendingSubject& Touch(uint32_t idx, bool created);
  Bytes Mac(const char* kind, std::string_view canonical) const;
  uint32_t NewSubject();
  // Adds a subject to the resolver together with its per-subject state; `birth` is kNoDate
  // for a subject this import creates, kUnknown for one from the store (LoadBirth).
  uint32_t AddSubject(std::string_view id, int32_t birth);
  int32_t EffectiveBirth(uint32_t idx) const;
  json SavedState(const ImportReport& report, bool final, int64_t last_row_no,
                  const std::string& placeholder_id) const;
  int FieldIndex(std::string_view name) const {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if (fields_[i].name == name) return static_cast<int>(i);
    }
    return -1;
  }
  bool customers() const { return o_.kind == ImportKind::kCustomers; }

  const ImportOptions& o_;
  vault::Vault* v_;  // nullptr: scan
  Clock& clock_;
  std::span<const KindField> fields_;
  Date import_date_;
  ReaderOptions reader_opts_;

  // From the pre-pass.
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> samples_;
  int64_t total_rows_ = 0;
  std::string format_, encoding_;
  std::string file_hash_;

  // The mapping as a plan.
  std::vector<ColumnMapping> mapping_;
  std::vector<int> col_field_;                // column -> field index or -1
  std::vector<std::vector<int>> field_cols_;  // field index -> columns
  std::vector<uint32_t> field_category_bit_;  // field index -> category bit
  int f_id_ = -1, f_mobile_ = -1, f_email_ = -1, f_bank_ = -1, f_name_ = -1, f_member_ = -1,
      f_birth_ = -1, f_store_ = -1, f_notes_ = -1, f_address_ = -1;
  std::vector<int> identifying_;  // field indexes of kIdentifyingFields present in the file

  // The import.
  ImportReport report_;
  std::string source_id_;
  int64_t source_created_ = 0;
  int64_t rows_consumed_ = 0;  // committed
  int64_t last_row_no_ = 0;    // processed
  std::string placeholder_id_;
  bool placeholder_pending_ = false;
  SubjectResolver resolver_;
  std::vector<int32_t> id_birth_, col_birth_;
  std::vector<uint8_t> minor_counted_;  // scan mode
  // The names and bank cards this import indexed for each subject, so that its later rows
  // do not append them again (ProcessRow): per subject the key of the first (the all-zero
  // key: none yet), and (subject, is card, key) of the rare others.
  std::vector<IndexKey> first_name_, first_card_;
  std::set<std::tuple<uint32_t, bool, uint64_t, uint32_t>> later_names_cards_;
  int64_t scan_ids_ = 0;
  // A forced re-import of a customers file imported before: per row number, the resolver
  // index of the subject that row joined or made the last time (kNoPrior: none; the row
  // was rejected, or its subject has since been erased). LoadPriorRows.
  static constexpr uint32_t kNoPrior = 0xFFFFFFFFu;
  std::string prior_source_id_;  // the latest completed import of this file, if any
  std::vector<uint32_t> prior_subject_;

  std::vector<PendingRow> pending_rows_;
  std::vector<PendingSubject> pending_subjects_;
  std::unordered_map<uint32_t, size_t> pending_pos_;

  std::unique_ptr<Batch> in_flight_;  // the batch the writer thread is writing
  // Each thread's AEAD for sealing records: its contexts are kept and re-keyed per row.
  // They hold the key schedule of the last record's data key until the import ends.
  std::unique_ptr<crypto::Aead> main_aead_, writer_aead_;
  // The writer thread's rows of a batch, kept between batches so that their arrays are
  // not allocated and faulted in again for every batch.
  std::vector<store::SubjectRow> written_subjects_;
  std::vector<store::DataKeyRow> written_keys_;
  std::vector<store::RecordRow> written_records_;
  std::thread writer_;

  std::vector<Cell> cells_;
  std::vector<FieldCounts*> field_counts_;  // field index -> report_.fields entry
};

Bytes Importer::Mac(const char* kind, std::string_view canonical) const {
  if (v_ != nullptr) return v_->keys().BlindIndex(kind, canonical);
  std::string data(kind);
  data.push_back('\0');
  data.append(canonical);
  return crypto::Sha256(AsBytes(data));
}

uint32_t Importer::NewSubject() {
  std::string id =
      v_ != nullptr ? NewOrderedId(v_->random(), "s_", clock_.NowMicros())
                    : "scan_" + std::to_string(++scan_ids_);
  return AddSubject(id, kNoDate);
}

uint32_t Importer::AddSubject(std::string_view id, int32_t birth) {
  uint32_t idx = resolver_.AddSubject(id);
  id_birth_.push_back(birth);
  col_birth_.push_back(birth);
  minor_counted_.push_back(0);
  first_name_.emplace_back();
  first_card_.emplace_back();
  return idx;
}

int32_t Importer::EffectiveBirth(uint32_t idx) const {
  if (IsDate(id_birth_[idx])) return id_birth_[idx];
  if (IsDate(col_birth_[idx])) return col_birth_[idx];
  return kNoDate;
}

Importer::PendingSubject& Importer::Touch(uint32_t idx, bool created) {
  auto it = pending_pos_.find(idx);
  if (it != pending_pos_.end()) return pending_subjects_[it->second];
  pending_pos_.emplace(idx, pending_subjects_.size());
  PendingSubject p;
  p.idx = idx;
  p.created = created;
  pending_subjects_.push_back(std::move(p));
  return pending_subjects_.back();
}

Status Importer::LoadBirth(uint32_t idx) {
  id_birth_[idx] = kNoDate;
  col_birth_[idx] = kNoDate;
  if (v_ == nullptr) return Status::Ok();
  JV_RETURN_IF_ERROR(JoinWriter());  // the store and key cache are the writer's until then
  std::string sid(resolver_.SubjectId(idx));
  JV_ASSIGN_OR_RETURN(auto records, v_->ReadRecords(sid));
  for (const vault::DecryptedRecord& r : records) {
    if (r.key_class != vault::kClassProfile || !r.fields.is_object()) continue;
    auto id = r.fields.find("id_number");
    if (id != r.fields.end() && id->is_string()) {
      classify::IdNumber n = classify::CheckIdNumber(id->get<std::string>(), import_date_);
      if (n.valid()) id_birth_[idx] = static_cast<int32_t>(n.birth_date.ToDays());
    }
    auto bd = r.fields.find("birth_date");
    if (bd != r.fields.end() && bd->is_string()) {
      auto d = classify::ParseDate(bd->get<std::string>());
      if (d.valid()) col_birth_[idx] = static_cast<int32_t>(d.value.ToDays());
    }
  }
  return Status::Ok();
}

Status Importer::PrePass() {
  JV_ASSIGN_OR_RETURN(auto reader, OpenRowReader(o_.path, reader_opts_));
  header_ = reader->Header();
  format_ = reader->Format();
  encoding_ = reader->Encoding();
  samples_.assign(header_.size(), {});
  size_t sampled = 0;
  Row row;
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    ++total_rows_;
    if (!row.error && sampled < o_.sample_rows) {
      ++sampled;
      for (size_t c = 0; c < header_.size() && c < row.cells.size(); ++c) {
        samples_[c].push_back(row.cells[c]);
      }
    }
  }
  return Status::Ok();
}

Status Importer::Setup() {
  col_field_.assign(header_.size(), -1);
  field_cols_.assign(fields_.size(), {});
  for (const ColumnMapping& m : mapping_) {
    if (m.column < 0 || static_cast<size_t>(m.column) >= header_.size()) {
      return DataLossError("saved mapping does not fit the file's header");
    }
    if (m.field.empty()) continue;
    int fi = FieldIndex(m.field);
    if (fi < 0) return InvalidArgumentError("mapping names an unknown field");
    col_field_[m.column] = fi;
    field_cols_[fi].push_back(m.column);
  }
  field_category_bit_.assign(fields_.size(), 0);
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::optional<classify::Field> f = classify::FieldFromName(fields_[i].name);
    int bit;
    if (f && (customers() || fields_[i].name == "member_no" || fields_[i].name == "name" ||
              fields_[i].name == "id_number" || fields_[i].name == "mobile")) {
      bit = static_cast<int>(classify::GetFieldInfo(*f).category);
    } else if (o_.kind == ImportKind::kTransactions) {
      bit = static_cast<int>(classify::FieldCategory::kConsumption);
    } else if (o_.kind == ImportKind::kBalances) {
      bit = static_cast<int>(classify::FieldCategory::kProperty);
    } else if (o_.kind == ImportKind::kItems) {
      bit = kItemsCategory;
    } else {
      bit = static_cast<int>(classify::FieldCategory::kMembership);
    }
    field_category_bit_[i] = 1u << bit;
  }
  f_id_ = FieldIndex("id_number");
  f_mobile_ = FieldIndex("mobile");
  f_email_ = FieldIndex("email");
  f_bank_ = FieldIndex("bank_card");
  f_name_ = FieldIndex("name");
  f_member_ = FieldIndex("member_no");
  f_birth_ = FieldIndex("birth_date");
  f_store_ = FieldIndex("store");
  f_notes_ = FieldIndex("notes");
  f_address_ = FieldIndex("address");
  identifying_.clear();
  for (std::string_view n : kIdentifyingFields) {
    int fi = FieldIndex(n);
    if (fi >= 0) identifying_.push_back(fi);
  }
  cells_.assign(header_.size(), Cell{});
  field_counts_.clear();
  for (const KindField& f : fields_) field_counts_.push_back(&report_.fields[std::string(f.name)]);
  return Status::Ok();
}

Status Importer::LoadResolver() {
  if (v_ == nullptr) return Status::Ok();
  std::unordered_map<std::string, uint32_t> local;
  for (KeyKind k : {KeyKind::kIdNumber, KeyKind::kMobile, KeyKind::kEmail, KeyKind::kMemberNo}) {
    JV_RETURN_IF_ERROR(v_->store().ForEachIndex(
        std::string(KeyKindName(k)), [&](const store::IndexRow& r) -> Status {
          if (r.mac.size() < 12) return Status::Ok();
          auto it = local.find(r.subject_id);
          uint32_t idx;
          if (it == local.end()) {
            idx = AddSubject(r.subject_id, kUnknown);
            local.emplace(r.subject_id, idx);
          } else {
            idx = it->second;
          }
          resolver_.AddHolding(k, IndexKeyFromMac(r.mac), idx);
          return Status::Ok();
        }));
  }
  return LoadPriorRows(local);
}

Result<std::optional<store::SourceRow>> Importer::PreviousImport() {
  JV_ASSIGN_OR_RETURN(EarlierImports earlier,
                      FindEarlierImports(v_->store(), file_hash_, o_.kind));
  if (earlier.complete) prior_source_id_ = earlier.complete->id;
  return earlier.deciding();
}

Status Importer::LoadPriorRows(std::unordered_map<std::string, uint32_t>& local) {
  if (!customers() || prior_source_id_.empty()) return Status::Ok();
  return v_->store().ForEachSourceRecord(
      prior_source_id_, [&](int64_t row_no, const std::string& subject_id) -> Status {
        if (row_no <= 0) return Status::Ok();
        auto [it, fresh] = local.emplace(subject_id, 0);
        // A subject without ID number, mobile, e-mail or member number: LoadResolver has
        // not met it.
        if (fresh) it->second = AddSubject(subject_id, kUnknown);
        const auto at = static_cast<size_t>(row_no);
        if (prior_subject_.size() <= at) prior_subject_.resize(at + 1, kNoPrior);
        prior_subject_[at] = it->second;
        return Status::Ok();
      });
}

Status Importer::ProcessRow(const Row& row) {
  last_row_no_ = row.row_no;
  ++report_.rows_read;
  if (row.error) {
    report_.Reject(row.row_no, *row.error);
    return Status::Ok();
  }
  const size_t ncol = header_.size();
  if (row.cells.size() != ncol) {
    report_.Reject(row.row_no, "expected " + std::to_string(ncol) + " fields, found " +
                                   std::to_string(row.cells.size()));
    return Status::Ok();
  }
  for (size_t c = 0; c < ncol; ++c) {
    int fi = col_field_[c];
    ValueType t = fi >= 0 ? fields_[fi].type : ValueType::kText;
    if (!EvalCell(t, row.cells[c], import_date_, &cells_[c])) {
      report_.Reject(row.row_no, "column " + std::to_string(c + 1) + ": text is not valid UTF-8");
      return Status::Ok();
    }
  }
  if (customers()) {
    bool any = false;
    for (int fi : identifying_) {
      for (int c : field_cols_[fi]) any = any || cells_[c].present;
    }
    if (!any) {
      report_.Reject(row.row_no,
                     "none of name, mobile, id_number, email, address, member_no is present");
      return Status::Ok();
    }
  }
  ++report_.rows_imported;

  // Counts, the row's chosen value per field, and the record.
  PendingRow pr;
  pr.row_no = row.row_no;
  record_.Clear();
  uint32_t categories = 0;
  std::vector<int> chosen(fields_.size(), -1);
  for (size_t fi = 0; fi < fields_.size(); ++fi) {
    const std::vector<int>& cols = field_cols_[fi];
    if (cols.empty()) continue;
    FieldCounts& fc = *field_counts_[fi];
    int first_present = -1, first_valid = -1;
    for (int c : cols) {
      const Cell& cell = cells_[c];
      if (!cell.present) continue;
      ++fc.present;
      if (cell.valid) {
        ++fc.valid;
        if (first_valid < 0) first_valid = c;
      } else {
        ++fc.invalid;
      }
      if (first_present < 0) first_present = c;
      if (static_cast<int>(fi) == f_id_) {
        IdNumberCounts& ic = report_.id_number;
        switch (cell.id.outcome) {
          case classify::IdOutcome::kValid: ++ic.valid; break;
          case classify::IdOutcome::kConverted15: ++ic.valid; ++ic.converted15; break;
          case classify::IdOutcome::kBadChecksum: ++ic.invalid; ++ic.bad_checksum; break;
          case classify::IdOutcome::kExcelMangled: ++ic.invalid; ++ic.excel_mangled; break;
          default: ++ic.invalid; break;
        }
      }
      if (static_cast<int>(fi) == f_notes_ &&
          classify::ScanFreeText(cell.norm, import_date_).any()) {
        ++report_.free_text_pii;
      }
    }
    int pick = first_valid >= 0 ? first_valid : first_present;
    if (pick < 0) continue;
    chosen[fi] = pick;
    categories |= field_category_bit_[fi];
    const std::string_view name = fields_[fi].name;
    if (!cells_[pick].valid) record_.AddInvalid(name);
    record_.Add(name, cells_[pick]);
    for (int c : cols) {
      if (c == pick || !cells_[c].present) continue;
      std::string_view extra =
          record_.Own(std::string(name) + ".c" + std::to_string(c + 1));
      if (!cells_[c].valid) record_.AddInvalid(extra);
      record_.Add(extra, cells_[c]);
    }
  }
  for (size_t c = 0; c < ncol; ++c) {
    if (col_field_[c] < 0 && cells_[c].present) {
      record_.Add(record_.Own("c" + std::to_string(c + 1)), cells_[c]);
    }
  }
  if (v_ != nullptr) record_.Serialize(&pr.names, &pr.plain);

  // Keys and blind-index values (every valid / present cell of the indexed fields). Each
  // (kind, value) is MACed once per row.
  std::vector<std::pair<const char*, const std::string*>> macced;  // parallel to pr.index
  auto mac_of = [&](const char* kind, const std::string& canonical) -> const Bytes& {
    for (size_t i = 0; i < macced.size(); ++i) {
      if (macced[i].first == kind && *macced[i].second == canonical) return pr.index[i].second;
    }
    macced.emplace_back(kind, &canonical);
    pr.index.emplace_back(kind, Mac(kind, canonical));
    return pr.index.back().second;
  };
  std::vector<std::string> name_like_values;  // keeps canonical names alive for mac_of
  name_like_values.reserve(8);
  auto add_index = [&](const char* kind, const std::string& canonical) {
    if (!canonical.empty()) mac_of(kind, canonical);
  };
  auto index_field = [&](int fi, const char* kind, bool name_like) {
    if (fi < 0) return;
    for (int c : field_cols_[fi]) {
      const Cell& cell = cells_[c];
      if (!cell.present) continue;
      if (name_like) {
        if (name_like_values.size() == name_like_values.capacity()) continue;  // > 8 columns
        name_like_values.push_back(fi == f_name_ ? CanonicalName(cell.norm)
                                                 : CanonicalMemberNo(cell.norm));
        add_index(kind, name_like_values.back());
      } else if (cell.valid) {
        add_index(kind, cell.canonical);
      }
    }
  };
  auto key_of = [&](int fi, const char* kind) -> std::optional<IndexKey> {
    if (fi < 0 || chosen[fi] < 0) return std::nullopt;
    const Cell& cell = cells_[chosen[fi]];
    if (!cell.valid) return std::nullopt;
    return IndexKeyFromMac(mac_of(kind, cell.canonical));
  };
  std::optional<IndexKey> id_key = key_of(f_id_, "id_number");
  std::optional<IndexKey> mobile_key = key_of(f_mobile_, "mobile");

  if (!customers()) {
    // Match by ID number, mobile, member number; no subject is created.
    std::optional<IndexKey> member_key;
    if (f_member_ >= 0 && chosen[f_member_] >= 0) {
      std::string m = CanonicalMemberNo(cells_[chosen[f_member_]].norm);
      if (!m.empty()) member_key = IndexKeyFromMac(Mac("member_no", m));
    }
    std::optional<uint32_t> s = resolver_.Match(id_key, mobile_key, member_key);
    if (s) {
      ++report_.rows_merged;
      pr.subject = *s;
      Touch(*s, false).categories |= categories;
    } else {
      report_.Unmatched(row.row_no);
      pr.placeholder = true;
      if (placeholder_id_.empty()) {
        placeholder_id_ = v_ != nullptr ? NewId(v_->random(), "s_") : "scan_unmatched";
        placeholder_pending_ = true;
      }
    }
    pr.index.clear();  // other kinds are matched, never indexed
    pending_rows_.push_back(std::move(pr));
    return Status::Ok();
  }

  index_field(f_id_, "id_number", false);
  index_field(f_mobile_, "mobile", false);
  index_field(f_email_, "email", false);
  index_field(f_bank_, "bank_card", false);
  index_field(f_name_, "name", true);
  index_field(f_member_, "member_no", true);

  SubjectResolver::RowKeys keys;
  keys.id_number = id_key;
  keys.mobile = mobile_key;
  keys.email = key_of(f_email_, "email");
  SubjectResolver::Decision d = resolver_.Resolve(keys);
  if (d.create && static_cast<uint64_t>(row.row_no) < prior_subject_.size() &&
      prior_subject_[row.row_no] != kNoPrior) {
    // The same row of the same file went to this subject before (--force): a row the rules
    // would make a new subject — one without a valid ID number, mobile or e-mail — joins it.
    d = SubjectResolver::Decision{};
    d.create = false;
    d.subject = prior_subject_[row.row_no];
  }
  uint32_t idx;
  bool created = d.create;
  if (d.create) {
    idx = NewSubject();
    ++report_.subjects_created;
    if (d.shared_contact) ++report_.shared_contact;
  } else {
    idx = d.subject;
    ++report_.rows_merged;
  }
  pr.subject = idx;

  // Birth dates: the ID's wins over the column (a disagreement is counted).
  std::optional<Date> row_id_birth, row_col_birth;
  std::string region;
  if (f_id_ >= 0 && chosen[f_id_] >= 0 && cells_[chosen[f_id_]].valid) {
    row_id_birth = cells_[chosen[f_id_]].id.birth_date;
    region = cells_[chosen[f_id_]].id.region_code;
  }
  if (f_birth_ >= 0 && chosen[f_birth_] >= 0 && cells_[chosen[f_birth_]].valid) {
    row_col_birth = cells_[chosen[f_birth_]].date;
  }
  if (row_id_birth && row_col_birth && *row_id_birth != *row_col_birth) {
    ++report_.birth_date_conflicts;
  }
  const bool had_id = resolver_.HasIdNumber(idx);
  if (!row_id_birth) {
    bool need = had_id ? id_birth_[idx] == kUnknown
                       : (col_birth_[idx] == kUnknown && !row_col_birth);
    if (need) JV_RETURN_IF_ERROR(LoadBirth(idx));
  }
  if (row_id_birth) id_birth_[idx] = static_cast<int32_t>(row_id_birth->ToDays());
  if (row_col_birth) col_birth_[idx] = static_cast<int32_t>(row_col_birth->ToDays());

  // What the subject holds from now on, and which of the row's index entries are new for
  // it. An entry the subject already has (from an earlier row, of this import or of an
  // earlier one) is not appended again: the store would ignore it, and pending entries
  // that repeat none let the final batch build the index by sorting them
  // (SqliteStore::AdoptPendingAsIndex). Names and bank cards are not resolver keys: the
  // ones this import indexed are remembered here (one per subject in a vector, more in a
  // set), not those of earlier imports, whose repeats the store ignores.
  size_t kept = 0;
  for (size_t i = 0; i < pr.index.size(); ++i) {
    std::string_view k(pr.index[i].first);
    const IndexKey key = IndexKeyFromMac(pr.index[i].second);
    std::optional<KeyKind> resolver_kind;
    for (int kk = 0; kk < kKeyKinds; ++kk) {
      if (KeyKindName(static_cast<KeyKind>(kk)) == k) resolver_kind = static_cast<KeyKind>(kk);
    }
    bool fresh = true;
    if (resolver_kind) {
      fresh = resolver_.AddHolding(*resolver_kind, key, idx);
    } else if (k == "name" || k == "bank_card") {
      const bool card = k == "bank_card";
      IndexKey& first = card ? first_card_[idx] : first_name_[idx];
      if (first == IndexKey{}) {
        first = key;
      } else if (first == key) {
        fresh = false;
      } else {
        fresh = later_names_cards_.emplace(idx, card, key.lo, key.hi).second;
      }
    }
    if (!fresh) continue;
    if (kept != i) pr.index[kept] = std::move(pr.index[i]);
    ++kept;
  }
  pr.index.resize(kept);

  PendingSubject& ps = Touch(idx, created);
  ps.categories |= categories;
  if (f_store_ >= 0 && chosen[f_store_] >= 0) {
    ps.has_store = true;
    ps.store = cells_[chosen[f_store_]].norm;
  }
  if (!region.empty()) {
    ps.region_from = 2;
    ps.province = region.substr(0, 2);
    ps.city = region.substr(0, 4);
  } else if (!resolver_.HasIdNumber(idx) && ps.region_from != 2 && f_address_ >= 0 &&
             chosen[f_address_] >= 0) {
    classify::AddressRegion r = classify::MatchAddressRegion(cells_[chosen[f_address_]].norm);
    if (!r.province_code.empty()) {
      ps.region_from = 1;
      ps.province = r.province_code;
      ps.city = r.city_code;
    }
  }
  pending_rows_.push_back(std::move(pr));
  return Status::Ok();
}

json Importer::SavedState(const ImportReport& report, bool final, int64_t last_row_no,
                          const std::string& placeholder_id) const {
  json j = report.ToJson();
  if (!final) {
    j["progress"] = {{"rows_consumed", last_row_no},
                     {"placeholder", placeholder_id},
                     {"source_id", source_id_}};
  }
  j["source_id"] = source_id_;
  return j;
}

Status Importer::FlushBatch(bool final) {
  if (v_ == nullptr) {
    for (const PendingSubject& p : pending_subjects_) {
      if (!customers()) continue;
      int32_t b = EffectiveBirth(p.idx);
      bool after = IsDate(b) && classify::IsMinorUnder14(Date::FromDays(b), import_date_);
      report_.minors += static_cast<int>(after) - static_cast<int>(minor_counted_[p.idx]);
      minor_counted_[p.idx] = after;
    }
    pending_rows_.clear();
    pending_subjects_.clear();
    pending_pos_.clear();
    return Status::Ok();
  }
  auto b = std::make_unique<Batch>();
  b->final = final;
  b->now = clock_.NowMicros();
  b->last_row_no = last_row_no_;
  b->placeholder_id = placeholder_id_;
  b->placeholder_pending = placeholder_pending_;
  placeholder_pending_ = false;
  b->subjects.reserve(pending_subjects_.size());
  for (PendingSubject& p : pending_subjects_) {
    Batch::Subject bs;
    bs.sid = std::string(resolver_.SubjectId(p.idx));
    if (customers()) {
      bs.has_id = resolver_.HasIdNumber(p.idx);
      int32_t birth = EffectiveBirth(p.idx);
      bs.minor = IsDate(birth) && classify::IsMinorUnder14(Date::FromDays(birth), import_date_);
    }
    bs.p = std::move(p);
    b->subjects.push_back(std::move(bs));
  }
  b->row_sids.reserve(pending_rows_.size());
  for (const PendingRow& r : pending_rows_) {
    b->row_sids.push_back(r.placeholder ? placeholder_id_
                                        : std::string(resolver_.SubjectId(r.subject)));
  }
  b->rows = std::move(pending_rows_);
  pending_rows_.clear();
  pending_subjects_.clear();
  pending_pos_.clear();
  if (final) {
    // Every row is resolved: the lookup tables (~150 MiB at a million customers) are
    // given back before the final batch merges the index entries, which sorts them.
    resolver_.Clear();
    std::vector<int32_t>().swap(id_birth_);
    std::vector<int32_t>().swap(col_birth_);
    std::vector<IndexKey>().swap(first_name_);
    std::vector<IndexKey>().swap(first_card_);
    later_names_cards_.clear();
  }
  // Sorted and sealed here while the writer thread may still be committing the previous
  // batch.
  SortIndexRun(*b);
  JV_RETURN_IF_ERROR(SealCreated(*b));
  // The previous batch must be committed first: this one may update its subjects, and
  // its report includes the previous batch's change in minors.
  JV_RETURN_IF_ERROR(JoinWriter());
  b->report = report_;
  // Written on the second core while this thread resolves the next batch's rows.
  in_flight_ = std::move(b);
  writer_ = std::thread([this] { in_flight_->status = WriteBatch(*in_flight_); });
  if (final) return JoinWriter();
  return Status::Ok();
}

Status Importer::JoinWriter() {
  if (!in_flight_) return Status::Ok();
  writer_.join();
  std::unique_ptr<Batch> b = std::move(in_flight_);
  for (PendingRow& r : b->rows) SecureWipe(r.plain.data(), r.plain.size());
  JV_RETURN_IF_ERROR(b->status);
  report_.minors += b->minors_delta;
  rows_consumed_ = b->last_row_no;
  if (o_.after_batch_for_test && !b->final) {
    JV_RETURN_IF_ERROR(o_.after_batch_for_test(rows_consumed_));
  }
  return Status::Ok();
}

json Importer::SubjectAttrs(const Batch::Subject& bs, json a, int* minors_delta) const {
  const PendingSubject& p = bs.p;
  if (p.has_store) a["store"] = p.store;
  if (p.region_from == 2 ||
      (p.region_from == 1 && a.value("region_from", std::string()) != "id")) {
    a["province"] = p.province;
    a["city"] = p.city;
    a["region_from"] = p.region_from == 2 ? "id" : "address";
  }
  uint32_t cats = p.categories;
  if (a.contains("categories") && a["categories"].is_array()) {
    for (const json& c : a["categories"]) {
      for (int bit = 0; bit <= kItemsCategory; ++bit) {
        if (c.is_string() && c.get_ref<const std::string&>() == CategoryName(bit)) {
          cats |= 1u << bit;
        }
      }
    }
  }
  json cl = json::array();
  for (int bit = 0; bit <= kItemsCategory; ++bit) {
    if (cats & (1u << bit)) cl.push_back(std::string(CategoryName(bit)));
  }
  a["categories"] = std::move(cl);
  if (customers()) {
    a["has_id"] = bs.has_id;
    bool before = !p.created && a.value("last_source", std::string()) == source_id_ &&
                  a.value("minor", false);
    *minors_delta += static_cast<int>(bs.minor) - static_cast<int>(before);
    a["minor"] = bs.minor;
    a["last_source"] = source_id_;
  }
  return a;
}

std::string Importer::CreatedAttrs(const Batch::Subject& bs, int* minors_delta) const {
  const PendingSubject& p = bs.p;
  CreatedSubjectAttrs a;
  for (int bit = 0; bit <= kItemsCategory; ++bit) {
    if (p.categories & (1u << bit)) a.categories.push_back(CategoryName(bit));
  }
  if (p.has_store) a.store = p.store;
  if (p.region_from != 0) {
    a.region = CreatedSubjectAttrs::Region{p.province, p.city,
                                           p.region_from == 2 ? "id" : "address"};
  }
  if (customers()) {
    a.customer = CreatedSubjectAttrs::Customer{bs.has_id, bs.minor, source_id_};
    *minors_delta += static_cast<int>(bs.minor);
  }
  return CreatedSubjectAttrsJson(a);
}

Status Importer::SealCreated(Batch& b) {
  if (v_ == nullptr) return Status::Ok();
  const std::string key_class(KeyClassForKind(o_.kind));
  // Each new subject's data key, wrapped with one set-up of the master key for the batch.
  std::vector<SecretBuffer> deks;
  std::vector<Batch::Subject*> made;
  std::unordered_map<uint32_t, uint32_t> dek_of;  // resolver index -> position in deks
  for (Batch::Subject& bs : b.subjects) {
    if (!bs.p.created) continue;
    bs.attrs_json = CreatedAttrs(bs, &b.minors_delta);
    dek_of.emplace(bs.p.idx, static_cast<uint32_t>(deks.size()));
    deks.push_back(v_->keys().NewDataKey(v_->random()));
    made.push_back(&bs);
  }
  std::vector<vault::Keyring::KeyToWrap> to_wrap;
  to_wrap.reserve(made.size());
  for (size_t k = 0; k < made.size(); ++k) to_wrap.push_back({made[k]->sid, &deks[k]});
  JV_ASSIGN_OR_RETURN(std::vector<Bytes> wrapped,
                      v_->keys().WrapDataKeys(to_wrap, key_class, v_->random()));
  for (size_t k = 0; k < made.size(); ++k) made[k]->wrapped_key = std::move(wrapped[k]);
  for (size_t i = 0; i < b.rows.size(); ++i) {
    PendingRow& r = b.rows[i];
    if (r.placeholder) continue;
    auto nk = dek_of.find(r.subject);
    if (nk == dek_of.end()) continue;
    JV_RETURN_IF_ERROR(SealRow(r, b.row_sids[i], key_class, deks[nk->second], main_aead_));
  }
  return Status::Ok();
}

Status Importer::SealRow(PendingRow& r, const std::string& sid, const std::string& key_class,
                         const SecretBuffer& dek, std::unique_ptr<crypto::Aead>& aead) const {
  // The same sealing as Vault::AddRecord, from the row's serialized JSON, on this thread's
  // AEAD object keyed with the subject's key (crypto::Aead::SetKey).
  if (aead == nullptr) {
    JV_ASSIGN_OR_RETURN(aead, crypto::Aead::Create(v_->suite(), dek));
  } else {
    JV_RETURN_IF_ERROR(aead->SetKey(dek));
  }
  auto sealed = aead->Seal(AsBytes(r.plain), vault::RecordAad(sid, key_class, r.names),
                           v_->random());
  SecureWipe(r.plain.data(), r.plain.size());
  r.plain.clear();
  if (!sealed.ok()) return sealed.status();
  r.sealed = std::move(sealed).value();
  return Status::Ok();
}

void Importer::SortIndexRun(Batch& b) const {
  // The rows give their MACs over (not used after this).
  struct SortKey {
    std::string_view kind;
    uint64_t prefix;  // the MAC's first 8 bytes, big-endian (zero-padded): orders as they do
    uint32_t seq;     // position in `in_row_order`
  };
  std::vector<store::IndexRow> in_row_order;
  std::vector<SortKey> keys;
  for (size_t i = 0; i < b.rows.size(); ++i) {
    for (auto& [kind, mac] : b.rows[i].index) {
      uint64_t prefix = 0;
      for (size_t k = 0; k < 8; ++k) prefix = (prefix << 8) | (k < mac.size() ? mac[k] : 0);
      keys.push_back({kind, prefix, static_cast<uint32_t>(in_row_order.size())});
      in_row_order.push_back({std::string(kind), std::move(mac), b.row_sids[i]});
    }
    b.rows[i].index.clear();
  }
  // The prefix decides almost every comparison without touching the MACs themselves.
  std::sort(keys.begin(), keys.end(), [&](const SortKey& x, const SortKey& y) {
    if (x.kind.data() != y.kind.data()) {
      int c = x.kind.compare(y.kind);
      if (c != 0) return c < 0;
    }
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    const Bytes& mx = in_row_order[x.seq].mac;
    const Bytes& my = in_row_order[y.seq].mac;
    if (mx != my) return mx < my;
    return x.seq < y.seq;
  });
  b.index_run.clear();
  b.index_run.reserve(keys.size());
  for (const SortKey& k : keys) b.index_run.push_back(std::move(in_row_order[k.seq]));
}

// Runs on the writer thread. Touches only the batch, the store and the vault's key cache
// (the main thread leaves those alone until JoinWriter: LoadBirth joins first). Both threads
// use the keyring (immutable during an import) and the random source (thread-safe).
Status Importer::WriteBatch(Batch& b) {
  store::Store& s = v_->store();
  store::Transaction txn(s);
  JV_RETURN_IF_ERROR(txn.Start());
  const int64_t now = b.now;
  const std::string key_class(KeyClassForKind(o_.kind));
  // The subjects this batch created, with their data keys (made and wrapped by
  // SealCreated: no look-up of a key that cannot exist yet), many rows per statement.
  std::vector<store::SubjectRow>& created = written_subjects_;
  std::vector<store::DataKeyRow>& created_keys = written_keys_;
  created.clear();
  created_keys.clear();
  for (Batch::Subject& bs : b.subjects) {
    if (!bs.p.created) continue;
    store::SubjectRow& row = created.emplace_back();
    row.id = bs.sid;
    row.state = "active";
    row.created_micros = row.updated_micros = now;
    row.attrs_json = std::move(bs.attrs_json);
    created_keys.push_back({bs.sid, key_class, std::move(bs.wrapped_key)});
  }
  if (b.placeholder_pending) {
    store::SubjectRow& row = created.emplace_back();
    row.id = b.placeholder_id;
    row.state = "unmatched";
    row.attrs_json = json({{"placeholder", "unmatched_rows"},
                           {"source_id", source_id_},
                           {"kind", std::string(ImportKindName(o_.kind))}})
                         .dump();
    row.created_micros = row.updated_micros = now;
  }
  JV_RETURN_IF_ERROR(s.InsertSubjects(created));
  JV_RETURN_IF_ERROR(s.PutDataKeys(created_keys));
  created.clear();
  created_keys.clear();
  // Subjects from earlier batches or imports: their attributes merged with the store's.
  for (const Batch::Subject& bs : b.subjects) {
    if (bs.p.created) continue;
    JV_ASSIGN_OR_RETURN(store::SubjectRow row, s.GetSubject(bs.sid));
    json a = json::parse(row.attrs_json, nullptr, false);
    if (!a.is_object()) a = json::object();
    std::string attrs = SubjectAttrs(bs, std::move(a), &b.minors_delta).dump();
    if (attrs == row.attrs_json) continue;  // a row that changed nothing about its subject
    row.updated_micros = now;
    row.attrs_json = std::move(attrs);
    JV_RETURN_IF_ERROR(s.UpdateSubject(row));
  }
  std::vector<store::RecordRow>& records = written_records_;
  records.clear();
  records.resize(b.rows.size());
  for (size_t i = 0; i < b.rows.size(); ++i) {
    PendingRow& r = b.rows[i];
    const std::string& sid = b.row_sids[i];
    if (r.sealed.empty()) {
      // A subject from an earlier batch or import, or the placeholder: its key is read.
      JV_ASSIGN_OR_RETURN(const SecretBuffer* dek, v_->DataKey(sid, key_class, true));
      JV_RETURN_IF_ERROR(SealRow(r, sid, key_class, *dek, writer_aead_));
    }
    store::RecordRow& rec = records[i];
    rec.subject_id = sid;
    rec.key_class = key_class;
    rec.source_id = source_id_;
    rec.row_no = r.row_no;
    rec.fields = std::move(r.names);
    rec.ciphertext = std::move(r.sealed);
    rec.created_micros = now;
  }
  JV_RETURN_IF_ERROR(s.InsertRecords(records));
  records.clear();  // the capacity stays for the next batch
  // Appended to the pending list (store.h PutIndexPending) after the batch's records, as
  // one sorted run; the final batch merges every run into the index in (kind, mac) order
  // (SqliteStore::MergePendingRuns), so the random-keyed index is written once per import
  // instead of once per batch.
  JV_RETURN_IF_ERROR(s.PutIndexPendingRows(b.index_run));
  if (b.final) JV_RETURN_IF_ERROR(s.MergePendingIndexes().status());
  b.report.minors += b.minors_delta;
  const ImportReport& rep = b.report;
  store::SourceRow src;
  src.id = source_id_;
  src.kind = std::string(ImportKindName(o_.kind));
  src.file_hash = file_hash_;
  src.status = b.final ? kStatusComplete : kStatusRunning;
  src.report_json = SavedState(rep, b.final, b.last_row_no, b.placeholder_id).dump();
  src.created_micros = source_created_;
  src.updated_micros = now;
  JV_RETURN_IF_ERROR(s.PutSource(src));
  if (b.final) {
    json details = {{"source_id", source_id_},
                    {"file_hash", file_hash_},
                    {"kind", rep.kind},
                    {"format", rep.format},
                    {"encoding", rep.encoding},
                    {"rows_read", rep.rows_read},
                    {"rows_rejected", rep.rows_rejected},
                    {"rows_imported", rep.rows_imported},
                    {"subjects_created", rep.subjects_created},
                    {"rows_merged", rep.rows_merged},
                    {"shared_contact", rep.shared_contact},
                    {"minors", rep.minors},
                    {"free_text_pii", rep.free_text_pii},
                    {"forced", o_.force}};
    JV_RETURN_IF_ERROR(v_->AuditInTxn("import", "", "import", details).status());
  }
  JV_RETURN_IF_ERROR(txn.Commit());
  v_->DropKeyCache();
  return Status::Ok();
}

Status Importer::MainPass() {
  JV_ASSIGN_OR_RETURN(auto reader, OpenRowReader(o_.path, reader_opts_));
  if (reader->Header() != header_) {
    return InvalidArgumentError("the file changed while it was being imported");
  }
  Row row;
  int64_t in_batch = 0;
  int64_t done = 0;
  const int64_t batch = std::max<int64_t>(1, o_.batch_rows);
  for (;;) {
    JV_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    ++done;
    if (row.row_no <= rows_consumed_) continue;
    JV_RETURN_IF_ERROR(ProcessRow(row));
    if (++in_batch >= batch) {
      JV_RETURN_IF_ERROR(FlushBatch(false));
      in_batch = 0;
      // Scan mode commits nothing; with a vault the callback runs when a batch is joined.
      if (o_.after_batch_for_test && v_ == nullptr) {
        JV_RETURN_IF_ERROR(o_.after_batch_for_test(rows_consumed_));
      }
    }
    if (o_.progress && done % 1000 == 0) o_.progress(done, total_rows_);
  }
  if (done != total_rows_) {
    return InvalidArgumentError("the file changed while it was being imported");
  }
  if (o_.progress) o_.progress(total_rows_, total_rows_);
  if (o_.finishing) o_.finishing();
  return FlushBatch(true);
}

Result<ImportReport> Importer::Run() {
  auto start = std::chrono::steady_clock::now();
  import_date_ = o_.import_date ? *o_.import_date : ChinaDateFromMicros(clock_.NowMicros());
  reader_opts_.format = o_.format;
  reader_opts_.encoding = o_.encoding;
  reader_opts_.sheet = o_.sheet;
  if (o_.batch_rows <= 0) return InvalidArgumentError("batch size must be positive");

  crypto::Suite suite = v_ != nullptr ? v_->suite() : crypto::Suite::kStd;
  JV_ASSIGN_OR_RETURN(file_hash_, HashFile(o_.path, suite));

  // An earlier import of the same file?
  std::optional<store::SourceRow> previous;
  if (v_ != nullptr) {
    JV_ASSIGN_OR_RETURN(previous, PreviousImport());
    if (previous && previous->status == kStatusComplete && !o_.force) {
      return AlreadyExistsError(shown_path() + ": this file was already imported as " +
                                std::string(ImportKindName(o_.kind)) + " (source " +
                                previous->id + ", " +
                                FormatRfc3339Seconds(previous->updated_micros) +
                                "); use --force to import it again");
    }
  }
  bool resume = previous && previous->status == kStatusRunning;

  Status pre = PrePass();
  if (!pre.ok()) return WithPath(shown_path(), pre);

  if (resume) {
    json saved = json::parse(previous->report_json, nullptr, false);
    if (!saved.is_object() || !saved.contains("progress") || !saved["progress"].is_object()) {
      return DataLossError("the interrupted import of this file has no usable saved state");
    }
    JV_ASSIGN_OR_RETURN(report_, ImportReport::FromJson(saved));
    const json& p = saved["progress"];
    rows_consumed_ = p.value("rows_consumed", int64_t{0});
    last_row_no_ = rows_consumed_;
    placeholder_id_ = p.value("placeholder", std::string());
    source_id_ = previous->id;
    source_created_ = previous->created_micros;
    JV_ASSIGN_OR_RETURN(import_date_, Date::Parse(report_.import_date));
    mapping_ = report_.mapping;
    report_.resumed = true;
  } else {
    JV_ASSIGN_OR_RETURN(
        mapping_, ProposeMapping(o_.kind, header_, samples_, import_date_,
                                 o_.mapping ? &*o_.mapping : nullptr));
    report_ = EmptyReport(o_.kind);
    report_.mapping = mapping_;
    report_.import_date = import_date_.ToString();
    if (v_ != nullptr) {
      source_id_ = NewId(v_->random(), "src_");
      source_created_ = clock_.NowMicros();
    }
  }
  report_.source = shown_path();
  report_.file_hash = file_hash_;
  report_.format = format_;
  report_.encoding = encoding_;
  report_.kind = std::string(ImportKindName(o_.kind));
  report_.source_id = source_id_;
  if (v_ == nullptr) {
    for (size_t c = 0; c < header_.size(); ++c) {
      column_stats.push_back(ComputeColumnStats(samples_[c], import_date_));
    }
  }
  samples_.clear();
  samples_.shrink_to_fit();

  JV_RETURN_IF_ERROR(Setup());
  JV_RETURN_IF_ERROR(LoadResolver());  // and LoadPriorRows
  // Bulk load (store.h): the importer keeps the referential rule itself, since each batch
  // writes its new subjects' rows before their keys, records and index entries.
  std::optional<store::BulkLoad> bulk;
  if (v_ != nullptr) {
    bulk.emplace(v_->store());
    JV_RETURN_IF_ERROR(bulk->Start());
  }
  Status st = MainPass();
  Status joined = JoinWriter();  // before bulk load ends, on every path
  if (st.ok()) st = joined;
  if (!st.ok()) {
    if (st.code() == StatusCode::kInvalidArgument || st.code() == StatusCode::kDataLoss) {
      return WithPath(shown_path(), st);
    }
    return st;
  }
  report_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report_;
}

}  // namespace

std::string_view KeyClassForKind(ImportKind kind) {
  switch (kind) {
    case ImportKind::kCustomers: return vault::kClassProfile;
    case ImportKind::kTransactions: return "accounting_30y";
    case ImportKind::kBalances: return "prepaid_5y";
    case ImportKind::kItems: return "customer_items";
  }
  return vault::kClassProfile;
}

Result<ImportReport> ImportFile(vault::Vault& v, const ImportOptions& options) {
  Importer imp(options, &v, v.clock());
  return imp.Run();
}

Result<std::optional<store::SourceRow>> FindCompletedImport(vault::Vault& v,
                                                            const ImportOptions& options) {
  JV_ASSIGN_OR_RETURN(std::string hash, HashFile(options.path, v.suite()));
  JV_ASSIGN_OR_RETURN(EarlierImports earlier, FindEarlierImports(v.store(), hash, options.kind));
  // The import refused as "already imported": the completed one, when it decides.
  std::optional<store::SourceRow> row = earlier.deciding();
  if (row && row->status != kStatusComplete) row.reset();
  return row;
}

Result<ScanResult> ScanFile(const ImportOptions& options, Clock& clock) {
  Importer imp(options, nullptr, clock);
  JV_ASSIGN_OR_RETURN(ImportReport r, imp.Run());
  ScanResult out;
  out.report = std::move(r);
  out.columns = std::move(imp.column_stats);
  return out;
}

std::string CanonicalName(std::string_view cell) {
  Result<std::string> n = NormalizeCell(cell);
  if (!n.ok()) return "";
  std::string out;
  out.reserve(n->size());
  const std::string& s = *n;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') continue;
    if (c == 0xC2 && i + 1 < s.size() && s[i + 1] == '\xA0') {
      ++i;
      continue;
    }
    if (c == 0xE3 && i + 2 < s.size() && s[i + 1] == '\x80' && s[i + 2] == '\x80') {
      i += 2;
      continue;
    }
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : s[i]);
  }
  return out;
}

std::string CanonicalMemberNo(std::string_view cell) {
  std::string n = CanonicalName(cell);
  return ToUpperAscii(n);
}

std::map<std::string, json> CurrentValues(const std::vector<vault::DecryptedRecord>& records,
                                          std::string_view key_class, const Date& today) {
  std::map<std::string, json> valid, any;
  for (const vault::DecryptedRecord& r : records) {
    if (r.key_class != key_class || !r.fields.is_object()) continue;
    std::vector<std::string> invalid;
    auto inv = r.fields.find("_invalid");
    if (inv != r.fields.end() && inv->is_array()) {
      for (const json& n : *inv) {
        if (n.is_string()) invalid.push_back(n.get<std::string>());
      }
    }
    for (auto it = r.fields.begin(); it != r.fields.end(); ++it) {
      if (!it.key().empty() && it.key()[0] == '_') continue;
      const json& v = it.value();
      if (v.is_null() || (v.is_string() && v.get<std::string>().empty())) continue;
      any[it.key()] = v;
      if (std::find(invalid.begin(), invalid.end(), it.key()) == invalid.end()) {
        valid[it.key()] = v;
      }
    }
  }
  std::map<std::string, json> cur = std::move(valid);
  for (auto& [k, v] : any) cur.emplace(k, std::move(v));
  auto id = cur.find("id_number");
  if (id != cur.end() && id->second.is_string()) {
    classify::IdNumber n = classify::CheckIdNumber(id->second.get<std::string>(), today);
    if (n.valid()) {
      cur["birth_date"] = n.birth_date.ToString();
      if (cur.find("gender") == cur.end()) cur["gender"] = std::string(classify::GenderName(n.gender));
    }
  }
  return cur;
}

}  // namespace jv::ingest
