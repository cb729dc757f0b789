#ifndef POOLLEDGER_LIMB_DIVIDE_H
#define POOLLEDGER_LIMB_DIVIDE_H

#include <stdint.h>

/// (high:low) / divisor for high < divisor, so that the quotient fits 64 bits:
/// the remainder through `remainder`. On x86-64 one DIV instruction; Swift's
/// own 128-by-64 division goes through the generic 128-by-128 routine of the
/// runtime (__udivti3) instead, several times the cost in a loop of them.
/// The caller guarantees high < divisor (a DIV with a larger high traps).
static inline uint64_t poolledger_divide_limb(uint64_t high, uint64_t low, uint64_t divisor, uint64_t *remainder) {
#if defined(__x86_64__)
    uint64_t quotient, rest;
    __asm__("divq %4" : "=a"(quotient), "=d"(rest) : "a"(low), "d"(high), "rm"(divisor) : "cc");
    *remainder = rest;
    return quotient;
#else
    unsigned __int128 dividend = ((unsigned __int128)high << 64) | low;
    *remainder = (uint64_t)(dividend % divisor);
    return (uint64_t)(dividend / divisor);
#endif
}

#endif
