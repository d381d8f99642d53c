// JV_CHECK / JV_DCHECK: abort on a broken invariant (Envoy's error-handling tiers).
// Bad input and environment failures are returned as Status, never checked.
#pragma once

#include <cstdio>
#include <cstdlib>

#define JV_CHECK(cond)                                                        \
  do {                                                                        \
    if (!(cond)) {                                                            \
      std::fprintf(stderr, "jadevault: check failed at %s:%d: %s\n", __FILE__, \
                   __LINE__, #cond);                                          \
      std::abort();                                                           \
    }                                                                         \
  } while (0)

#ifdef NDEBUG
#define JV_DCHECK(cond) \
  do {                  \
  } while (0)
#else
#define JV_DCHECK(cond) JV_CHECK(cond)
#endif
