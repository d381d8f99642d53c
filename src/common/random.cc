#include "src/common/random.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <cstring>

#include "src/common/check.h"

namespace jv {

uint64_t Random::Uniform(uint64_t bound) {
  JV_CHECK(bound > 0);
  const uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  while (true) {
    uint64_t v;
    Fill(reinterpret_cast<uint8_t*>(&v), sizeof v);
    if (v < limit) return v % bound;
  }
}

std::string Random::RandomString(size_t n, std::string_view alphabet) {
  std::string s;
  s.reserve(n);
  for (size_t i = 0; i < n; ++i) s.push_back(alphabet[Uniform(alphabet.size())]);
  return s;
}

namespace {

void GetRandomOrDie(uint8_t* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    ssize_t r = getrandom(out + done, n - done, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      JV_CHECK(false && "getrandom failed");
    }
    done += static_cast<size_t>(r);
  }
}

// Small requests (ids, nonces, codes: a few bytes each, millions per import) are served
// from a per-thread buffer refilled from getrandom(2) 4 KiB at a time; bytes are wiped as
// they are handed out. Large requests (keys are 32 bytes; still small) go through the same
// path; anything over 256 bytes reads the kernel directly.
struct RandomPool {
  uint8_t bytes[4096];
  size_t left = 0;
  ~RandomPool() { explicit_bzero(bytes, sizeof bytes); }
};

}  // namespace

void SystemRandom::Fill(uint8_t* out, size_t n) {
  if (n > 256) {
    GetRandomOrDie(out, n);
    return;
  }
  thread_local RandomPool pool;
  while (n > 0) {
    if (pool.left == 0) {
      GetRandomOrDie(pool.bytes, sizeof pool.bytes);
      pool.left = sizeof pool.bytes;
    }
    size_t take = n < pool.left ? n : pool.left;
    uint8_t* src = pool.bytes + (sizeof pool.bytes - pool.left);
    std::memcpy(out, src, take);
    explicit_bzero(src, take);
    pool.left -= take;
    out += take;
    n -= take;
  }
}

SystemRandom& SystemRandom::Get() {
  static SystemRandom r;
  return r;
}

void FakeRandom::Fill(uint8_t* out, size_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < n; ++i) {
    // splitmix64, one byte per step: deterministic and well spread.
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    out[i] = static_cast<uint8_t>(z ^ (z >> 31));
  }
}

std::string NewId(Random& random, std::string_view prefix) {
  static constexpr std::string_view kBase32 = "abcdefghijkmnpqrstuvwxyz23456789";
  std::string id(prefix);
  id += random.RandomString(20, kBase32);
  return id;
}

std::string NewOrderedId(Random& random, std::string_view prefix, int64_t micros) {
  static constexpr std::string_view kSorted = "23456789abcdefghijkmnpqrstuvwxyz";
  static constexpr std::string_view kBase32 = "abcdefghijkmnpqrstuvwxyz23456789";
  uint64_t t = micros < 0 ? 0 : static_cast<uint64_t>(micros);
  std::string id(prefix);
  id.resize(prefix.size() + 11);
  for (size_t i = 0; i < 11; ++i) {
    id[prefix.size() + 10 - i] = kSorted[t & 31];
    t >>= 5;
  }
  id += random.RandomString(9, kBase32);
  return id;
}

}  // namespace jv
