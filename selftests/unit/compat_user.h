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
#include <assert.h>	/* static_assert(expr, msg) */

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

#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
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
#define noinline_for_stack	noinline
#define noinline		__attribute__((__noinline__))
#ifndef __always_inline	/* glibc's <sys/cdefs.h> may have it */
#define __always_inline		inline __attribute__((always_inline))
#endif
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define ____cacheline_aligned_in_smp	__attribute__((aligned(64)))

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
#define BUILD_BUG_ON(c)		_Static_assert(!(c), #c)

static inline long strscpy(char *dst, const char *src, size_t n)
{
	size_t len = strnlen(src, n);

	if (!n)
		return -E2BIG;
	if (len == n) {
		memcpy(dst, src, n - 1);
		dst[n - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, len + 1);
	return len;
}

#define GFP_KERNEL		0
#define kmalloc(s, g)		malloc(s)
#define kzalloc(s, g)		calloc(1, s)
#define kcalloc(n, s, g)	calloc(n, s)
#define kfree(p)		free(p)
#define kvcalloc(n, s, g)	calloc(n, s)
#define kvfree(p)		free(p)

#define kvcalloc(n, s, g)	calloc(n, s)
#define kvfree(p)		free(p)

#define BITS_PER_LONG		(8 * (int)sizeof(long))
#define DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))
#define READ_ONCE(x)		(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile __typeof__(x) *)&(x) = (v))

/* include/linux/bitops.h: index of the lowest set bit, word must not be 0 */
static inline unsigned long __ffs(unsigned long word)
{
	return (unsigned long)__builtin_ctzl(word);
}

/* include/linux/log2.h */
static inline unsigned long rounddown_pow_of_two(unsigned long n)
{
	return 1UL << (BITS_PER_LONG - 1 - __builtin_clzl(n));
}

/* include/linux/math.h: x * numer / denom without overflowing x * numer */
#define mult_frac(x, numer, denom) ({					\
	__typeof__(x) __q = (x) / (denom);				\
	__typeof__(x) __r = (x) % (denom);				\
	(__q * (numer)) + ((__r * (numer)) / (denom));			\
})

/* lib/math/int_sqrt.c: floor(sqrt(x)), bit by bit */
static inline unsigned long int_sqrt(unsigned long x)
{
	unsigned long b, m, y = 0;

	if (x <= 1)
		return x;
	m = 1UL << ((BITS_PER_LONG - 1 - __builtin_clzl(x)) & ~1UL);
	while (m != 0) {
		b = y + m;
		y >>= 1;
		if (x >= b) {
			x -= b;
			y += m;
		}
		m >>= 2;
	}
	return y;
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD(name)	struct list_head name = { &(name), &(name) }

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	n->next = next;
	n->prev = prev;
	prev->next = n;
}

static inline void list_add(struct list_head *n, struct list_head *h)
{
	__list_add(n, h, h->next);
}

static inline void list_add_tail(struct list_head *n, struct list_head *h)
{
	__list_add(n, h->prev, h);
}

static inline void list_del(struct list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
	e->next = NULL;
	e->prev = NULL;
}

static inline void list_move(struct list_head *e, struct list_head *h)
{
	list_del(e);
	list_add(e, h);
}

static inline void list_move_tail(struct list_head *e, struct list_head *h)
{
	list_del(e);
	list_add_tail(e, h);
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

/* @list's entries at the front of @h; @list itself is left as it was */
static inline void list_splice(const struct list_head *list,
			       struct list_head *h)
{
	struct list_head *first = list->next, *last = list->prev;

	if (list_empty(list))
		return;
	first->prev = h;
	last->next = h->next;
	h->next->prev = last;
	h->next = first;
}

#define list_entry(ptr, type, member)	container_of(ptr, type, member)
#define list_first_entry(h, type, member) list_entry((h)->next, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, __typeof__(*(pos)), member)
#define list_last_entry(h, type, member) list_entry((h)->prev, type, member)
#define list_first_entry_or_null(h, type, member) \
	(list_empty(h) ? NULL : list_first_entry(h, type, member))
#define list_for_each(pos, h)						\
	for (pos = (h)->next; pos != (h); pos = pos->next)
#define list_for_each_safe(pos, n, h)					\
	for (pos = (h)->next, n = pos->next; pos != (h); pos = n, n = pos->next)
#define list_for_each_entry(pos, h, member)				\
	for (pos = list_entry((h)->next, __typeof__(*pos), member);	\
	     &pos->member != (h);					\
	     pos = list_entry(pos->member.next, __typeof__(*pos), member))
#define list_for_each_entry_safe(pos, n, h, member)			\
	for (pos = list_entry((h)->next, __typeof__(*pos), member),	\
	     n = list_entry(pos->member.next, __typeof__(*pos), member); \
	     &pos->member != (h);					\
	     pos = n, n = list_entry(n->member.next, __typeof__(*n), member))

/*
 * Locks and CPUs. The host tests may run threads; a mutex stands in for
 * each spinlock, and a thread's "CPU" is whatever the test set in
 * smm_ucpu (default 0), out of smm_unr_cpus (default 2).
 */
#include <pthread.h>

struct smm_spinlock {
	pthread_mutex_t m;
};

#define smm_spinlock_t		struct smm_spinlock

#define smm_spin_lock_init(l)	pthread_mutex_init(&(l)->m, NULL)
/*
 * smm_ulock_hook, when a test sets it, runs just before a lock is taken:
 * what another CPU did meanwhile, between a lockless look (a watermark,
 * a pageblock's type) and the locked work that relies on it. The harness
 * clears it before every test.
 */
extern void (*smm_ulock_hook)(struct smm_spinlock *l);

#define smm_spin_lock_irqsave(l, flags)					\
	do {								\
		(flags) = 0;						\
		if (smm_ulock_hook)					\
			smm_ulock_hook(l);				\
		pthread_mutex_lock(&(l)->m);				\
	} while (0)
#define smm_spin_unlock_irqrestore(l, flags) \
	do { (void)(flags); pthread_mutex_unlock(&(l)->m); } while (0)
#define smm_spin_lock_nested(l, sub)					\
	do {								\
		(void)(sub);						\
		if (smm_ulock_hook)					\
			smm_ulock_hook(l);				\
		pthread_mutex_lock(&(l)->m);				\
	} while (0)
#define smm_spin_lock(l)	smm_spin_lock_nested(l, 0)
#define smm_spin_trylock(l)						\
	({								\
		if (smm_ulock_hook)					\
			smm_ulock_hook(l);				\
		!pthread_mutex_trylock(&(l)->m);			\
	})
/* sparse's lock context annotations: nothing for the compiler */
#define __acquire(x)		((void)0)
#define __release(x)		((void)0)
#define smm_spin_unlock(l)	pthread_mutex_unlock(&(l)->m)

/*
 * The rmqueue ring's lock-free writer: no interrupts here; the fences
 * stand for the kernel's barriers (no test reads the ring while another
 * thread writes it). Threads that share one CPU slot (nr_cpus smaller
 * than their CPU ids) may tear each other's records there, as they may
 * race on the slot's counters.
 */
#define smm_local_irq_save(flags)	((flags) = 0)
#define smm_local_irq_restore(flags)	((void)(flags))
#define smm_smp_wmb()			__atomic_thread_fence(__ATOMIC_RELEASE)
/*
 * smm_urmb_hook, when a test sets it, runs at every read barrier: what a
 * writer did between a lockless reader's two loads (the rmqueue ring's
 * reader). The harness clears it before every test.
 */
extern void (*smm_urmb_hook)(void);
#define smm_smp_rmb()							\
	do {								\
		__atomic_thread_fence(__ATOMIC_ACQUIRE);		\
		if (smm_urmb_hook)					\
			smm_urmb_hook();				\
	} while (0)
#define smm_data_race(expr)		(expr)

#define smm_sort(base, num, size, cmp)	qsort(base, num, size, cmp)

typedef struct {
	long long counter;
} smm_atomic64_t;

#define smm_atomic64_set(a, v)	__atomic_store_n(&(a)->counter, (v), __ATOMIC_SEQ_CST)
#define smm_atomic64_read(a)	__atomic_load_n(&(a)->counter, __ATOMIC_SEQ_CST)
#define smm_atomic64_inc_return(a) \
	__atomic_add_fetch(&(a)->counter, 1, __ATOMIC_SEQ_CST)
#define smm_test_and_set_once(flag) \
	(!__atomic_exchange_n((flag), 1, __ATOMIC_SEQ_CST))

extern __thread int smm_ucpu;
extern unsigned int smm_unr_cpus;
/*
 * The node of every host "CPU" (default 0), set by the NUMA tests;
 * smm_ucpu_node[cpu] >= 0 overrides it for one CPU.
 */
extern int smm_unode;
#define SMM_UMAX_CPUS		64
extern int smm_ucpu_node[SMM_UMAX_CPUS];

static inline int smm_ucpu_to_node(int cpu)
{
	if (cpu >= 0 && cpu < SMM_UMAX_CPUS && smm_ucpu_node[cpu] >= 0)
		return smm_ucpu_node[cpu];
	return smm_unode;
}

/* the host tests see the map's poison, as a CONFIG_DEBUG_VM kernel */
#define SMM_DEBUG_VM		1

#define smm_get_cpu()		(smm_ucpu)
#define smm_put_cpu()		do { } while (0)
#define smm_nr_cpu_ids()	(smm_unr_cpus)
#define smm_cpu_to_node(cpu)	smm_ucpu_to_node(cpu)
#define smm_migrate_disable()	do { } while (0)
#define smm_migrate_enable()	do { } while (0)

/*
 * The scheduling points of long ctl commands, counted; smm_ufatal_hook,
 * when a test sets it, answers whether the writer "got a fatal signal"
 * (the harness clears both before every test).
 */
extern unsigned long smm_uresched_count;
extern bool (*smm_ufatal_hook)(void);
#define smm_cond_resched()		((void)smm_uresched_count++)
#define smm_fatal_signal_pending()	(smm_ufatal_hook && smm_ufatal_hook())

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
