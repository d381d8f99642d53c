#include "src/common/secret_buffer.h"

#include <string.h>

#include <cstdlib>
#include <new>
#include <utility>

namespace jv {

void SecureWipe(void* p, size_t n) {
  if (p != nullptr && n > 0) explicit_bzero(p, n);
}

SecretBuffer::SecretBuffer(size_t size) : size_(size) {
  if (size_ > 0) {
    data_ = static_cast<uint8_t*>(std::calloc(size_, 1));
    if (data_ == nullptr) throw std::bad_alloc();
  }
}

SecretBuffer::SecretBuffer(ByteView data) : SecretBuffer(data.size()) {
  if (size_ > 0) memcpy(data_, data.data(), size_);
}

SecretBuffer::~SecretBuffer() { Clear(); }

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    Clear();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void SecretBuffer::Clear() {
  if (data_ != nullptr) {
    SecureWipe(data_, size_);
    std::free(data_);
  }
  data_ = nullptr;
  size_ = 0;
}

bool operator==(const SecretBuffer& a, const SecretBuffer& b) {
  if (a.size_ != b.size_) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size_; ++i) diff |= a.data_[i] ^ b.data_[i];
  return diff == 0;
}

}  // namespace jv
