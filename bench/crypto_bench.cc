// Micro-benchmarks of the per-record crypto on the import hot path. Compare with
// `openssl speed -evp aes-256-gcm` (and sm4-ctr) on the same machine: the ratio of bytes/s is
// what matters, see docs/performance.md.
#include <benchmark/benchmark.h>

#include "src/common/random.h"
#include "src/crypto/aead.h"
#include "src/crypto/blind_index.h"
#include "src/crypto/hash.h"

namespace {

using jv::crypto::Suite;

void BM_Seal(benchmark::State& state, Suite suite) {
  jv::SystemRandom rnd;
  jv::SecretBuffer key(32);
  rnd.Fill(key.data(), key.size());
  auto aead = jv::crypto::Aead::Create(suite, key);
  jv::Bytes pt(static_cast<size_t>(state.range(0)), 'x');
  jv::Bytes aad(40, 'a');
  for (auto _ : state) {
    auto sealed = (*aead)->Seal(pt, aad, rnd);
    benchmark::DoNotOptimize(sealed);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_Open(benchmark::State& state, Suite suite) {
  jv::SystemRandom rnd;
  jv::SecretBuffer key(32);
  rnd.Fill(key.data(), key.size());
  auto aead = jv::crypto::Aead::Create(suite, key);
  jv::Bytes pt(static_cast<size_t>(state.range(0)), 'x');
  jv::Bytes aad(40, 'a');
  auto sealed = (*aead)->Seal(pt, aad, rnd);
  for (auto _ : state) {
    auto opened = (*aead)->Open(*sealed, aad);
    benchmark::DoNotOptimize(opened);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_BlindIndex(benchmark::State& state, Suite suite) {
  jv::SecretBuffer key(32);
  jv::SystemRandom().Fill(key.data(), key.size());
  for (auto _ : state) {
    auto mac = jv::crypto::BlindIndex(suite, key, "mobile", "13812345678");
    benchmark::DoNotOptimize(mac);
  }
}

void BM_Hash(benchmark::State& state, Suite suite) {
  jv::Bytes data(static_cast<size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    auto h = jv::crypto::Hash(suite, data);
    benchmark::DoNotOptimize(h);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_Seal, std, Suite::kStd)->Arg(200)->Arg(16384);
BENCHMARK_CAPTURE(BM_Seal, gm, Suite::kGm)->Arg(200)->Arg(16384);
BENCHMARK_CAPTURE(BM_Open, std, Suite::kStd)->Arg(200)->Arg(16384);
BENCHMARK_CAPTURE(BM_Open, gm, Suite::kGm)->Arg(200)->Arg(16384);
BENCHMARK_CAPTURE(BM_BlindIndex, std, Suite::kStd);
BENCHMARK_CAPTURE(BM_BlindIndex, gm, Suite::kGm);
BENCHMARK_CAPTURE(BM_Hash, std, Suite::kStd)->Arg(400);
BENCHMARK_CAPTURE(BM_Hash, gm, Suite::kGm)->Arg(400);

}  // namespace

BENCHMARK_MAIN();
