// Random: the one source of randomness, injectable like Clock.
//
// SystemRandom reads the kernel CSPRNG (getrandom(2)); it is what production code uses
// for keys, nonces, ids and portal codes. FakeRandom is deterministic, for tests only.
// Thread-safety: both are thread-safe (FakeRandom's sequence is then shared by the threads,
// so its bytes are deterministic only when one thread draws them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>

#include "src/common/bytes.h"

namespace jv {

class Random {
 public:
  virtual ~Random() = default;
  // Fills `out` with `n` random bytes. Aborts if the kernel cannot supply them
  // (fail closed: never return predictable key material).
  virtual void Fill(uint8_t* out, size_t n) = 0;

  Bytes RandomBytes(size_t n) {
    Bytes b(n);
    Fill(b.data(), n);
    return b;
  }
  // Uniform in [0, bound), without modulo bias. bound > 0.
  uint64_t Uniform(uint64_t bound);
  // `n` characters from `alphabet`, uniformly (e.g. ids, portal codes).
  std::string RandomString(size_t n, std::string_view alphabet);
};

class SystemRandom : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override;
  static SystemRandom& Get();
};

class FakeRandom : public Random {
 public:
  explicit FakeRandom(uint64_t seed) : state_(seed) {}
  void Fill(uint8_t* out, size_t n) override;

 private:
  std::mutex mu_;
  uint64_t state_;
};

// An opaque id: prefix + 20 characters of base32 (100 bits), e.g. "s_k3x...".
std::string NewId(Random& random, std::string_view prefix);

// An opaque id of the same shape (prefix + 20 base32 characters) whose first 11 characters
// encode `micros` (55 bits, in an alphabet whose byte order is its numeric order) and whose
// last 9 are random (45 bits). Ids made later sort later (bytewise), so a bulk load appends
// to the B-trees keyed by id instead of inserting at random places (docs/design/
// import_storage.md). Reveals only the creation time, which the rows hold anyway; never
// derived from personal data. Unique as long as two ids of one microsecond differ in 45
// random bits.
std::string NewOrderedId(Random& random, std::string_view prefix, int64_t micros);

}  // namespace jv
