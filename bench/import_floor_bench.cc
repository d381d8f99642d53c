// import_floor_bench: the least work that any import keeping SPEC §4 must do per row,
// timed against `sqlite3 .import` of the same file in the same run.
//
// Issue 3 asks for an import no slower than `sqlite3 DB ".mode csv" ".import FILE t"`.
// This program measures how close any storage layout could come, by doing only the part of
// an import that SPEC §4 makes compulsory and leaving out everything else (cell evaluation,
// duplicate resolution, merged rows, subject attributes, stored blind indexes, the audit
// entry). Stages, each reading the whole file again:
//
//   read    CsvReader over every row, nothing else.
//   plain   read + the row's cells, joined, inserted into one unindexed table, 20000 rows
//           per transaction: this harness's own `.import`, to check it against sqlite3's.
//   eval    read + every mapped cell evaluated as the importer does (EvalCell by the field's
//           value type: NFKC, trim, §5.3 validation) and notes scanned for PI: the row
//           work no layout can skip. Cheaper than `scan`, which also runs every detector.
//   crypto  read + per row: a random 32-byte data key, wrapped under a master key
//           (AES-256-GCM, AAD = subject id and class), the cells sealed under the data key
//           (AES-256-GCM, AAD = subject id), three blind-index HMAC-SHA-256s (name, mobile,
//           ID number). Nothing stored.
//   floor   crypto + one row per customer (id, wrapped key, sealed cells, the three MACs)
//           into one unindexed table, 20000 rows per transaction, on one thread.
//   floor2  the same with the inserts on a second thread (one batch in flight).
//   floor2_eval  floor2 with each row's cells evaluated (as `eval`) on the thread that
//           seals: no index at all.
//   indexed floor2, then the three MAC columns made searchable: one CREATE INDEX each
//           (SQLite's sorter with one helper thread and a 32 MiB cache, as the import's
//           final batch has). The least a searchable blind index adds.
//   indexed_eval  indexed, with each row's cells evaluated (as `eval`) on the thread that
//           seals: the least an import with a searchable blind index does, short of
//           finding duplicates.
//   scan    `jadevault scan FILE --json` (read + evaluate every cell), with --jadevault.
//   import  `jadevault import FILE --json` into a fresh vault, with --jadevault: the real
//           thing, for comparison in the same run.
//   sqlite3 `sqlite3 DB ".mode csv" ".import FILE t"`.
//
// Usage: import_floor_bench FILE.csv [--dir DIR] [--jadevault BIN]
// Prints one JSON object: wall and CPU seconds per stage and the ratios to sqlite3. CPU is
// getrusage of this process (both threads) or of the child. Findings: docs/performance.md
// and docs/design/import_storage.md ("Session 11").
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "src/common/bytes.h"
#include "src/common/random.h"
#include "src/common/secret_buffer.h"
#include "src/crypto/aead.h"
#include "src/crypto/blind_index.h"
#include "src/crypto/hash.h"
#include "src/classify/free_text.h"
#include "src/common/date.h"
#include "src/ingest/csv_reader.h"
#include "src/ingest/mapping.h"
#include "src/ingest/record_builder.h"

namespace {

using jv::AsBytes;
using jv::Bytes;
using jv::SecretBuffer;

constexpr size_t kBatchRows = 20000;

struct Sample {
  double wall = 0;
  double cpu = 0;
};

double CpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec +
         (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

Sample Measure(int who, const std::function<void()>& fn) {
  double cpu0 = CpuSeconds(who);
  auto t0 = std::chrono::steady_clock::now();
  fn();
  auto t1 = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(t1 - t0).count(), CpuSeconds(who) - cpu0};
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "import_floor_bench: %s\n", what.c_str());
  std::exit(1);
}

// Reads every row of `path`, calling `on_row` with its cells.
size_t ForEachRow(const std::string& path,
                  const std::function<void(const std::vector<std::string>&)>& on_row) {
  auto reader = jv::ingest::CsvReader::Open(path, {});
  if (!reader.ok()) Die(reader.status().ToString());
  jv::ingest::Row row;
  size_t n = 0;
  while (true) {
    auto more = (*reader)->Next(&row);
    if (!more.ok()) Die(more.status().ToString());
    if (!*more) break;
    ++n;
    on_row(row.cells);
  }
  return n;
}

// One stored row: the columns of the floor's single table.
struct OutRow {
  std::string id;
  Bytes wrapped;
  Bytes sealed;
  Bytes macs[3];
};

class Table {
 public:
  Table(const std::string& path, bool encrypted) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-journal");
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("cannot open " + path);
    Exec("PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL");
    Exec(encrypted ? "CREATE TABLE t (id TEXT, wrapped BLOB, sealed BLOB, m1 BLOB, m2 BLOB, "
                     "m3 BLOB)"
                   : "CREATE TABLE t (line TEXT)");
    const char* sql = encrypted ? "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)"
                                : "INSERT INTO t VALUES (?)";
    if (sqlite3_prepare_v2(db_, sql, -1, &insert_, nullptr) != SQLITE_OK) Die("prepare");
  }
  ~Table() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }

  void Write(const std::vector<OutRow>& rows) {
    Exec("BEGIN");
    for (const OutRow& r : rows) {
      sqlite3_bind_text(insert_, 1, r.id.data(), static_cast<int>(r.id.size()), SQLITE_STATIC);
      BindBlob(2, r.wrapped);
      BindBlob(3, r.sealed);
      for (int i = 0; i < 3; ++i) BindBlob(4 + i, r.macs[i]);
      Step();
    }
    Exec("COMMIT");
  }
  void IndexMacs() {
    Exec("PRAGMA threads = 1; PRAGMA cache_size = -32768; BEGIN; "
         "CREATE INDEX t_m1 ON t (m1); CREATE INDEX t_m2 ON t (m2); "
         "CREATE INDEX t_m3 ON t (m3); COMMIT");
  }
  void WriteLines(const std::vector<std::string>& lines) {
    Exec("BEGIN");
    for (const std::string& l : lines) {
      sqlite3_bind_text(insert_, 1, l.data(), static_cast<int>(l.size()), SQLITE_STATIC);
      Step();
    }
    Exec("COMMIT");
  }

 private:
  void BindBlob(int i, const Bytes& b) {
    sqlite3_bind_blob(insert_, i, b.data(), static_cast<int>(b.size()), SQLITE_STATIC);
  }
  void Step() {
    if (sqlite3_step(insert_) != SQLITE_DONE) Die(sqlite3_errmsg(db_));
    sqlite3_reset(insert_);
  }
  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

// The compulsory per-row crypto of SPEC §4, as the importer does it (one AEAD object
// re-keyed per customer, a prepared HMAC key).
class RowCrypto {
 public:
  RowCrypto()
      : master_(32),
        index_key_(jv::crypto::Suite::kStd, jv::SystemRandom::Get().RandomBytes(32)) {
    jv::SystemRandom::Get().Fill(master_.data(), master_.size());
    wrap_ = Unwrap(jv::crypto::Aead::Create(jv::crypto::Suite::kStd, master_));
    SecretBuffer first(32);
    seal_ = Unwrap(jv::crypto::Aead::Create(jv::crypto::Suite::kStd, first));
  }

  void Make(const std::vector<std::string>& cells, OutRow* out) {
    jv::Random& random = jv::SystemRandom::Get();
    out->id = jv::NewOrderedId(random, "s", ++micros_);
    SecretBuffer dek(32);
    random.Fill(dek.data(), dek.size());
    std::string aad = out->id + "\x1fprofile";
    out->wrapped = Unwrap(wrap_->Seal(dek.view(), AsBytes(aad), random));
    if (!seal_->SetKey(dek).ok()) Die("SetKey");
    plain_.clear();
    for (const std::string& c : cells) {
      plain_ += c;
      plain_ += '\x1f';
    }
    out->sealed = Unwrap(seal_->Seal(AsBytes(plain_), AsBytes(out->id), random));
    static constexpr const char* kKinds[3] = {"name", "mobile", "id_number"};
    static constexpr size_t kColumns[3] = {1, 3, 4};
    for (int i = 0; i < 3; ++i) {
      std::string_view v = kColumns[i] < cells.size() ? cells[kColumns[i]] : "";
      out->macs[i] = jv::crypto::BlindIndex(index_key_, kKinds[i], v);
    }
  }

 private:
  template <typename T>
  static T Unwrap(jv::Result<T> r) {
    if (!r.ok()) Die(r.status().ToString());
    return std::move(*r);
  }

  SecretBuffer master_;
  jv::crypto::HmacKey index_key_;
  std::unique_ptr<jv::crypto::Aead> wrap_;
  std::unique_ptr<jv::crypto::Aead> seal_;
  std::string plain_;
  int64_t micros_ = 1'800'000'000'000'000;
};

// Hands batches to a writer thread, one in flight, as the importer does.
class BatchWriter {
 public:
  explicit BatchWriter(Table* table) : table_(table), thread_([this] { Run(); }) {}
  ~BatchWriter() {
    Submit(std::nullopt);
    thread_.join();
  }
  void Submit(std::optional<std::vector<OutRow>> batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return !pending_; });
    next_ = std::move(batch);
    pending_ = true;
    cv_.notify_all();
  }

 private:
  void Run() {
    while (true) {
      std::optional<std::vector<OutRow>> batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [this] { return pending_; });
        batch = std::move(next_);
      }
      if (batch) table_->Write(*batch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        pending_ = false;
        cv_.notify_all();
      }
      if (!batch) return;
    }
  }

  Table* table_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;
  std::optional<std::vector<OutRow>> next_;
  std::thread thread_;
};

// The importer's cell evaluation of a row: each column mapped by its header.
class Evaluator {
 public:
  explicit Evaluator(const std::string& csv) : today_(*jv::Date::Parse("2026-11-28")) {
    using jv::ingest::ImportKind;
    auto reader = jv::ingest::CsvReader::Open(csv, {});
    if (!reader.ok()) Die(reader.status().ToString());
    auto mapping = jv::ingest::ProposeMapping(ImportKind::kCustomers, (*reader)->Header(), {},
                                              today_, nullptr);
    if (!mapping.ok()) Die(mapping.status().ToString());
    for (const auto& m : *mapping) {
      const auto* f = jv::ingest::FindKindField(ImportKind::kCustomers, m.field);
      types_.push_back(f ? std::optional(f->type) : std::nullopt);
      notes_.push_back(m.field == "notes");
    }
  }
  ~Evaluator() {
    if (valid_ == 0) Die("no valid cell: the header was not mapped");
  }
  void Row(const std::vector<std::string>& cells) {
    for (size_t c = 0; c < cells.size() && c < types_.size(); ++c) {
      if (!types_[c]) continue;
      if (jv::ingest::EvalCell(*types_[c], cells[c], today_, &cell_) && cell_.valid) ++valid_;
      if (notes_[c] && jv::classify::ScanFreeText(cell_.norm, today_).any()) ++valid_;
    }
  }

 private:
  jv::Date today_;
  std::vector<std::optional<jv::ingest::ValueType>> types_;
  std::vector<bool> notes_;
  jv::ingest::Cell cell_;
  size_t valid_ = 0;
};

void Floor(const std::string& csv, const std::string& db, bool two_threads, bool index,
           bool evaluate) {
  std::optional<Evaluator> eval;
  if (evaluate) eval.emplace(csv);
  Table table(db, true);
  std::optional<BatchWriter> writer;
  if (two_threads) writer.emplace(&table);
  RowCrypto crypto;
  std::vector<OutRow> batch;
  auto flush = [&] {
    if (two_threads) {
      writer->Submit(std::move(batch));
    } else {
      table.Write(batch);
    }
    batch = {};
    batch.reserve(kBatchRows);
  };
  ForEachRow(csv, [&](const std::vector<std::string>& cells) {
    if (eval) eval->Row(cells);
    batch.emplace_back();
    crypto.Make(cells, &batch.back());
    if (batch.size() == kBatchRows) flush();
  });
  if (!batch.empty()) flush();
  writer.reset();  // the last batch is written
  if (index) table.IndexMacs();
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) Die("usage: import_floor_bench FILE.csv [--dir DIR] [--jadevault BIN]");
  std::string csv = argv[1];
  std::string dir = "/tmp";
  std::string jadevault;
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dir") {
      dir = argv[i + 1];
    } else if (flag == "--jadevault") {
      jadevault = argv[i + 1];
    } else {
      Die("unknown flag " + flag);
    }
  }
  const std::string db = dir + "/import_floor.db";
  std::vector<std::pair<std::string, Sample>> samples;
  size_t rows = 0;

  auto child = [&](const std::string& name, const std::string& cmd) {
    samples.emplace_back(name, Measure(RUSAGE_CHILDREN, [&] {
                           if (std::system(cmd.c_str()) != 0) Die(name + " failed");
                         }));
  };
  child("sqlite3", "rm -f " + Quote(db) + " && sqlite3 " + Quote(db) +
                       " '.mode csv' '.import " + csv + " t' 2>/dev/null");
  samples.emplace_back("read", Measure(RUSAGE_SELF, [&] {
                         rows = ForEachRow(csv, [](const std::vector<std::string>&) {});
                       }));
  samples.emplace_back("plain", Measure(RUSAGE_SELF, [&] {
                         Table table(db, false);
                         std::vector<std::string> lines;
                         ForEachRow(csv, [&](const std::vector<std::string>& cells) {
                           std::string line;
                           for (const std::string& c : cells) line += c + ",";
                           lines.push_back(std::move(line));
                           if (lines.size() == kBatchRows) {
                             table.WriteLines(lines);
                             lines.clear();
                           }
                         });
                         table.WriteLines(lines);
                       }));
  samples.emplace_back("eval", Measure(RUSAGE_SELF, [&] {
                         Evaluator eval(csv);
                         ForEachRow(csv, [&](const std::vector<std::string>& cells) {
                           eval.Row(cells);
                         });
                       }));
  samples.emplace_back("crypto", Measure(RUSAGE_SELF, [&] {
                         RowCrypto crypto;
                         OutRow out;
                         ForEachRow(csv, [&](const std::vector<std::string>& cells) {
                           crypto.Make(cells, &out);
                         });
                       }));
  samples.emplace_back("floor", Measure(RUSAGE_SELF, [&] { Floor(csv, db, false, false, false); }));
  samples.emplace_back("floor2", Measure(RUSAGE_SELF, [&] { Floor(csv, db, true, false, false); }));
  samples.emplace_back("floor2_eval", Measure(RUSAGE_SELF, [&] {
                         Floor(csv, db, true, false, true);
                       }));
  samples.emplace_back("indexed", Measure(RUSAGE_SELF, [&] {
                         Floor(csv, db, true, true, false);
                       }));
  samples.emplace_back("indexed_eval", Measure(RUSAGE_SELF, [&] {
                         Floor(csv, db, true, true, true);
                       }));
  if (!jadevault.empty()) {
    child("scan", Quote(jadevault) + " scan " + Quote(csv) + " --json > /dev/null");
    const std::string vault = dir + "/import_floor_vault";
    const std::string jv = "JADEVAULT_PASSPHRASE='benchmark passphrase' " + Quote(jadevault) +
                           " --vault " + Quote(vault);
    if (std::system(("rm -rf " + Quote(vault) + " && " + jv +
                     " init --company 基准测试珠宝有限公司 --scrypt-log-n 14 --json > /dev/null")
                        .c_str()) != 0) {
      Die("init failed");
    }
    child("import", jv + " import " + Quote(csv) + " --json > /dev/null");
    std::filesystem::remove_all(vault);
  }
  std::filesystem::remove(db);

  const double base = samples.front().second.wall;
  std::printf("{\"file\": \"%s\", \"rows\": %zu, \"stages\": {", csv.c_str(), rows);
  const char* sep = "";
  for (const auto& [name, s] : samples) {
    std::printf("%s\n  \"%s\": {\"wall_s\": %.2f, \"cpu_s\": %.2f, \"wall_ratio\": %.2f}", sep,
                name.c_str(), s.wall, s.cpu, s.wall / base);
    sep = ",";
  }
  std::printf("\n}}\n");
  return 0;
}
