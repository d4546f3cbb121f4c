/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The userspace half of include/shadowmm/compat.h: kernel names the
 * portable core uses, mapped onto libc for the host unit tests.
 */
#ifndef _SHADOWMM_COMPAT_USER_H
#define _SHADOWMM_COMPAT_USER_H


#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;

#define SMM_PHYS_ADDR_MAX	(~(phys_addr_t)0)
#define ULLONG_MAX_U64		(~0ULL)

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define SMP_CACHE_BYTES		64
#define NUMA_NO_NODE		(-1)

#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)		((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)		((unsigned long)((x) >> PAGE_SHIFT))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __ALIGN_MASK(x, m)	(((x) + (m)) & ~(m))
#define ALIGN(x, a)		__ALIGN_MASK(x, (__typeof__(x))(a) - 1)
#define ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define PAGE_ALIGN(x)		ALIGN(x, PAGE_SIZE)
#define round_up(x, y)		((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y)	((x) & ~((__typeof__(x))((y) - 1)))
#define is_power_of_2(n)	((n) != 0 && (((n) & ((n) - 1)) == 0))

#define min(a, b)		((a) < (b) ? (a) : (b))
#define max(a, b)		((a) > (b) ? (a) : (b))
#define min_t(t, a, b)		((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b)		((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define clamp(v, lo, hi)	min(max(v, lo), hi)

#define __always_unused		__attribute__((unused))
#define __maybe_unused		__attribute__((unused))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)

#define pr_fmt(fmt)		fmt
#define pr_info(fmt, ...)	printf(fmt, ##__VA_ARGS__)
#define pr_err(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	fprintf(stderr, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	do { } while (0)

#define WARN_ON(c) ({							\
	int __c = !!(c);						\
	if (__c)							\
		fprintf(stderr, "WARNING at %s:%d: %s\n",		\
			__FILE__, __LINE__, #c);			\
	__c;								\
})
#define WARN_ON_ONCE(c)		WARN_ON(c)
#define BUG_ON(c)		do { if (c) abort(); } while (0)

#define GFP_KERNEL		0
#define kmalloc(s, g)		malloc(s)
#define kzalloc(s, g)		calloc(1, s)
#define kcalloc(n, s, g)	calloc(n, s)
#define kfree(p)		free(p)

struct list_head {
	struct list_head *next, *prev;
};

/*
 * The host tests back "physical" addresses with one large sparse mapping
 * (see selftests/unit/harness.c): physical address pa lives at
 * smm_uarena + pa, so allocations are real, writable memory there too.
 */
extern unsigned char *smm_uarena;

static inline void *smm_phys_to_virt(phys_addr_t pa)
{
	return smm_uarena + pa;
}

static inline phys_addr_t smm_virt_to_phys(const void *va)
{
	return (phys_addr_t)((const unsigned char *)va - smm_uarena);
}

#endif /* _SHADOWMM_COMPAT_USER_H */
