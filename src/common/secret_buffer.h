// SecretBuffer: owns key material or a passphrase; zeroes it on destruction.
//
// Move-only: copying a secret must be explicit (Clone()), so it never happens by accident.
// The memory is wiped with explicit_bzero when the buffer is destroyed, resized or
// assigned, and is excluded from core dumps where the kernel allows (MADV_DONTDUMP is
// per page, so we rely on the process-wide prctl in the CLI instead).
// Thread-safety: none; one owner at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/common/bytes.h"

namespace jv {

class SecretBuffer {
 public:
  SecretBuffer() = default;
  explicit SecretBuffer(size_t size);
  SecretBuffer(ByteView data);  // copies `data`
  static SecretBuffer FromString(std::string_view s) { return SecretBuffer(AsBytes(s)); }
  ~SecretBuffer();

  SecretBuffer(const SecretBuffer&) = delete;
  SecretBuffer& operator=(const SecretBuffer&) = delete;
  SecretBuffer(SecretBuffer&& other) noexcept;
  SecretBuffer& operator=(SecretBuffer&& other) noexcept;

  SecretBuffer Clone() const { return SecretBuffer(view()); }

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return ByteView(data_, size_); }
  std::string_view str() const {
    return std::string_view(reinterpret_cast<const char*>(data_), size_);
  }

  // Wipes and frees the contents; the buffer becomes empty.
  void Clear();

  friend bool operator==(const SecretBuffer& a, const SecretBuffer& b);

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// Overwrites `n` bytes at `p` with zeros in a way the compiler may not elide.
void SecureWipe(void* p, size_t n);

}  // namespace jv
