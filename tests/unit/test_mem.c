/*
 * test_mem.c - unit tests of the sparse byte store (src/core/mem.c):
 * absent chunks read as zeros, little-endian reads inside a chunk and
 * across a chunk boundary (with either side absent), 52-bit and 64-bit
 * addresses, addresses that differ only in their high bits, many chunks
 * (the table grows; chunks never move), mem_each, mem_read_bytes, and
 * clones that are independent of their source in both directions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/mem.h"

/* Write n bytes at addr through mem_chunk_rw (chunk by chunk). */
static void
put(struct mem *m, uint64_t addr, const uint8_t *b, size_t n)
{
	uint8_t *c;
	size_t i;

	for (i = 0; i < n; i++) {
		c = mem_chunk_rw(m, addr + i);
		assert_non_null(c);
		c[(addr + i) & (MEM_CHUNK - 1)] = b[i];
	}
}

static void
put8(struct mem *m, uint64_t addr, uint8_t v)
{
	put(m, addr, &v, 1);
}

static void
test_absent_reads_zero(void **state)
{
	struct mem *m;
	uint8_t buf[40];
	size_t i;

	(void)state;
	m = mem_new();
	assert_non_null(m);
	assert_int_equal(mem_nchunks(m), 0);
	assert_null(mem_chunk(m, 0));
	assert_null(mem_chunk(m, 0x123456));
	assert_int_equal(mem_read(m, 0, 1), 0);
	assert_int_equal(mem_read(m, 0x1234, 2), 0);
	assert_int_equal(mem_read(m, 0xffe, 4), 0);	/* crosses a chunk */
	assert_int_equal(mem_read(m, 0xffffffffffff8ULL, 8), 0);
	memset(buf, 0xaa, sizeof buf);
	mem_read_bytes(m, 0xff0, buf, 32);
	for (i = 0; i < 32; i++)
		assert_int_equal(buf[i], 0);
	for (i = 32; i < sizeof buf; i++)
		assert_int_equal(buf[i], 0xaa);	/* nothing past n */
	/* reading allocates nothing */
	assert_int_equal(mem_nchunks(m), 0);
	mem_free(m);
	mem_free(NULL);
}

static void
test_chunk_rw(void **state)
{
	struct mem *m;
	uint8_t *c, *c2;
	size_t i;

	(void)state;
	m = mem_new();
	c = mem_chunk_rw(m, 0x5abc);
	assert_non_null(c);
	for (i = 0; i < MEM_CHUNK; i++)
		assert_int_equal(c[i], 0);	/* a new chunk is zeroed */
	assert_int_equal(mem_nchunks(m), 1);
	/* the chunk of any address in 0x5000..0x5fff is the same one */
	c2 = mem_chunk_rw(m, 0x5000);
	assert_ptr_equal(c, c2);
	assert_ptr_equal(mem_chunk(m, 0x5fff), c);
	assert_null(mem_chunk(m, 0x6000));
	assert_null(mem_chunk(m, 0x4fff));
	assert_int_equal(mem_nchunks(m), 1);
	c[0xabc] = 0x7e;
	assert_int_equal(mem_read(m, 0x5abc, 1), 0x7e);
	assert_int_equal(mem_read(m, 0x5abb, 1), 0);
	assert_int_equal(mem_read(m, 0x5abd, 1), 0);
	mem_free(m);
}

static void
test_little_endian(void **state)
{
	static const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08 };
	struct mem *m;

	(void)state;
	m = mem_new();
	put(m, 0x100, b, sizeof b);
	assert_int_equal(mem_read(m, 0x100, 1), 0x01);
	assert_int_equal(mem_read(m, 0x100, 2), 0x0201);
	assert_int_equal(mem_read(m, 0x100, 4), 0x04030201);
	assert_int_equal(mem_read(m, 0x100, 8), 0x0807060504030201ULL);
	assert_int_equal(mem_read(m, 0x102, 4), 0x06050403);
	assert_int_equal(mem_read(m, 0x107, 2), 0x0008);	/* 0x108 is 0 */
	assert_int_equal(mem_read(m, 0xfe, 4), 0x02010000);
	mem_free(m);
}

static void
test_cross_chunk(void **state)
{
	static const uint8_t b[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
		0x77, 0x88 };
	struct mem *m;
	uint8_t out[8];

	(void)state;
	m = mem_new();
	/* bytes 0xffc..0x1003: four in chunk 0, four in chunk 1 */
	put(m, 0xffc, b, sizeof b);
	assert_int_equal(mem_nchunks(m), 2);
	assert_int_equal(mem_read(m, 0xffc, 8), 0x8877665544332211ULL);
	assert_int_equal(mem_read(m, 0xffe, 4), 0x66554433);
	assert_int_equal(mem_read(m, 0xfff, 2), 0x5544);
	assert_int_equal(mem_read(m, 0xffd, 8), 0x0088776655443322ULL);
	mem_read_bytes(m, 0xffc, out, 8);
	assert_memory_equal(out, b, 8);

	/* the second chunk absent */
	put8(m, 0x2ffe, 0xaa);
	put8(m, 0x2fff, 0xbb);
	assert_null(mem_chunk(m, 0x3000));
	assert_int_equal(mem_read(m, 0x2ffe, 4), 0x0000bbaa);
	assert_int_equal(mem_read(m, 0x2ffc, 8), 0x00000000bbaa0000ULL);

	/* the first chunk absent */
	put8(m, 0x5000, 0xcd);
	put8(m, 0x5001, 0xab);
	assert_null(mem_chunk(m, 0x4fff));
	assert_int_equal(mem_read(m, 0x4ffe, 4), 0xabcd0000);
	assert_int_equal(mem_read(m, 0x4fff, 2), 0xcd00);
	assert_int_equal(mem_nchunks(m), 4);	/* reads added none */
	mem_free(m);
}

static void
test_high_addresses(void **state)
{
	static const uint8_t b[] = { 0xef, 0xcd, 0xab, 0x89, 0x67, 0x45,
		0x23, 0x01 };
	const uint64_t top52 = (1ULL << 52) - 8;
	const uint64_t alias = 0x10000000005000ULL;	/* 0x5000 + 2^52 */
	struct mem *m;

	(void)state;
	m = mem_new();
	put(m, top52, b, sizeof b);
	assert_int_equal(mem_read(m, top52, 8), 0x0123456789abcdefULL);
	assert_int_equal(mem_read(m, top52 + 4, 4), 0x01234567);
	assert_int_equal(mem_nchunks(m), 1);
	assert_non_null(mem_chunk(m, (1ULL << 52) - 4096));
	assert_null(mem_chunk(m, 1ULL << 52));
	assert_null(mem_chunk(m, (1ULL << 52) - 4097));
	assert_int_equal(mem_read(m, (1ULL << 52) - 4096, 8), 0);

	/* same low bits, different high bits: different chunks (also the
	 * same slot of any small cache indexed by the low bits) */
	put8(m, 0x5123, 0x11);
	put8(m, alias + 0x123, 0x22);
	assert_int_equal(mem_nchunks(m), 3);
	assert_int_equal(mem_read(m, 0x5123, 1), 0x11);
	assert_int_equal(mem_read(m, alias + 0x123, 1), 0x22);
	assert_int_equal(mem_read(m, 0x5123, 1), 0x11);
	assert_true(mem_chunk(m, 0x5000) != mem_chunk(m, alias));
	assert_int_equal(mem_read(m, 0x105123, 1), 0);
	assert_int_equal(mem_read(m, 0x1005123, 1), 0);

	/* the very top of the 64-bit space */
	put8(m, UINT64_MAX, 0x5a);
	assert_int_equal(mem_read(m, UINT64_MAX, 1), 0x5a);
	assert_int_equal(mem_read(m, UINT64_MAX - 1, 2), 0x5a00);
	mem_free(m);
}

struct seen {
	uint64_t *addr;
	size_t n, cap;
	uint64_t sum;
};

static void
collect(uint64_t addr, const uint8_t *c, void *arg)
{
	struct seen *s = (struct seen *)arg;

	assert_true(s->n < s->cap);
	s->addr[s->n++] = addr;
	s->sum += c[0];
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
test_many_chunks(void **state)
{
	enum { N = 1500 };
	struct mem *m;
	uint8_t *first, *c;
	uint64_t a, sum = 0;
	struct seen s;
	size_t i;

	(void)state;
	m = mem_new();
	first = mem_chunk_rw(m, 0);
	first[0] = 1;
	for (i = 1; i < N; i++) {
		a = (uint64_t)i * 0x9e3779b000ULL & 0xffffffffff000ULL;
		c = mem_chunk_rw(m, a);
		assert_non_null(c);
		c[0] = (uint8_t)(i & 0xff);
		c[MEM_CHUNK - 1] = (uint8_t)(i >> 8);
	}
	assert_int_equal(mem_nchunks(m), N);
	/* chunks never move, however much the table grew */
	assert_ptr_equal(mem_chunk(m, 0), first);
	assert_ptr_equal(mem_chunk_rw(m, 0x10), first);
	for (i = 1; i < N; i++) {
		a = (uint64_t)i * 0x9e3779b000ULL & 0xffffffffff000ULL;
		assert_int_equal(mem_read(m, a, 1), i & 0xff);
		assert_int_equal(mem_read(m, a + MEM_CHUNK - 1, 1), i >> 8);
		sum += i & 0xff;
	}
	s.cap = N + 1;
	s.n = 0;
	s.sum = 0;
	s.addr = (uint64_t *)malloc(s.cap * sizeof *s.addr);
	assert_non_null(s.addr);
	mem_each(m, collect, &s);
	assert_int_equal(s.n, N);
	assert_int_equal(s.sum, sum + 1);
	qsort(s.addr, s.n, sizeof *s.addr, cmp_u64);
	for (i = 0; i < s.n; i++) {
		assert_int_equal(s.addr[i] & (MEM_CHUNK - 1), 0);
		if (i > 0)
			assert_true(s.addr[i] > s.addr[i - 1]);	/* once each */
	}
	assert_int_equal(s.addr[0], 0);
	free(s.addr);
	mem_free(m);
}

static void
test_read_bytes(void **state)
{
	struct mem *m;
	uint8_t out[MEM_CHUNK + 16];
	size_t i;

	(void)state;
	m = mem_new();
	put8(m, 0x7ff8, 0x01);
	put8(m, 0x9003, 0x02);	/* chunk 8 (0x8000..) stays absent */
	memset(out, 0xee, sizeof out);
	mem_read_bytes(m, 0x7ff8, out, MEM_CHUNK + 12);
	assert_int_equal(out[0], 0x01);
	for (i = 1; i < MEM_CHUNK + 11; i++)
		assert_int_equal(out[i], 0);
	assert_int_equal(out[MEM_CHUNK + 11], 0x02);	/* 0x9003 */
	assert_int_equal(out[MEM_CHUNK + 12], 0xee);
	mem_read_bytes(m, 0x9003, out, 0);	/* n = 0 touches nothing */
	assert_int_equal(out[0], 0x01);
	mem_free(m);
}

static void
test_clone_independent(void **state)
{
	struct mem *a, *b;
	uint8_t *ca, *cb;
	size_t i;

	(void)state;
	a = mem_new();
	for (i = 0; i < 100; i++)
		put8(a, (uint64_t)i << 16 | 0x10, (uint8_t)(i + 1));
	/* fill any lookup cache of a before cloning */
	for (i = 0; i < 100; i++)
		assert_int_equal(mem_read(a, (uint64_t)i << 16 | 0x10, 1),
		    i + 1);
	b = mem_clone(a);
	assert_non_null(b);
	assert_int_equal(mem_nchunks(b), 100);
	/* the first write to the clone, to a chunk a looked up last */
	cb = mem_chunk_rw(b, (uint64_t)99 << 16);
	cb[0x10] = 0x77;
	assert_int_equal(mem_read(a, (uint64_t)99 << 16 | 0x10, 1), 100);
	cb[0x10] = 100;
	for (i = 0; i < 100; i++) {
		assert_int_equal(mem_read(b, (uint64_t)i << 16 | 0x10, 1),
		    i + 1);
		ca = (uint8_t *)(uintptr_t)mem_chunk(a, (uint64_t)i << 16);
		cb = (uint8_t *)(uintptr_t)mem_chunk(b, (uint64_t)i << 16);
		assert_non_null(cb);
		assert_true(ca != cb);	/* a copy, not shared storage */
	}
	/* a write to the clone leaves the source alone ... */
	cb = mem_chunk_rw(b, 0x30000);
	cb[0x10] = 0xff;
	assert_int_equal(mem_read(b, 0x30010, 1), 0xff);
	assert_int_equal(mem_read(a, 0x30010, 1), 4);
	/* ... and the other way round */
	ca = mem_chunk_rw(a, 0x40000);
	ca[0x10] = 0xfe;
	assert_int_equal(mem_read(a, 0x40010, 1), 0xfe);
	assert_int_equal(mem_read(b, 0x40010, 1), 5);
	/* a chunk new in one is absent in the other */
	put8(b, 0x7777000, 9);
	assert_null(mem_chunk(a, 0x7777000));
	assert_int_equal(mem_nchunks(a), 100);
	assert_int_equal(mem_nchunks(b), 101);
	put8(a, 0x8888000, 9);
	assert_null(mem_chunk(b, 0x8888000));
	/* a clone of an empty store */
	mem_free(a);
	assert_int_equal(mem_read(b, 0x30010, 1), 0xff);	/* b survives a */
	a = mem_new();
	mem_free(b);
	b = mem_clone(a);
	assert_non_null(b);
	assert_int_equal(mem_nchunks(b), 0);
	put8(b, 0, 1);
	assert_int_equal(mem_nchunks(a), 0);
	mem_free(a);
	mem_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_reads_zero),
		cmocka_unit_test(test_chunk_rw),
		cmocka_unit_test(test_little_endian),
		cmocka_unit_test(test_cross_chunk),
		cmocka_unit_test(test_high_addresses),
		cmocka_unit_test(test_many_chunks),
		cmocka_unit_test(test_read_bytes),
		cmocka_unit_test(test_clone_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
