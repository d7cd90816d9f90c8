/*
 * mem.c - the sparse byte store: an open-addressing hash table from chunk
 * number (address >> 12) to a heap chunk of 4 KiB, with a small
 * direct-mapped cache of the chunks looked up last (a read that finds
 * its chunk there is inlined: mem.h).  Little-endian multi-byte reads.
 * Writes go through the machine (see phys.c), which journals the old
 * bytes before it changes a chunk.
 */
#include <stdlib.h>
#include <string.h>

#include "mem.h"

static size_t
hash_key(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return (size_t)k;
}

struct mem *
mem_new(void)
{
	struct mem *m;

	m = (struct mem *)calloc(1, sizeof *m);
	if (m == NULL)
		return NULL;
	m->cap = 64;
	m->tab = (struct mem_slot *)calloc(m->cap, sizeof *m->tab);
	if (m->tab == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
mem_free(struct mem *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->cap; i++)
		free(m->tab[i].data);
	free(m->tab);
	free(m);
}

static struct mem_slot *
find(const struct mem *m, uint64_t key)
{
	size_t i, mask = m->cap - 1;

	for (i = hash_key(key) & mask;; i = (i + 1) & mask) {
		if (m->tab[i].key == key || m->tab[i].key == 0)
			return &m->tab[i];
	}
}

static int
grow(struct mem *m)
{
	struct mem_slot *old = m->tab, *s;
	size_t oldcap = m->cap, i;

	m->tab = (struct mem_slot *)calloc(oldcap * 2, sizeof *m->tab);
	if (m->tab == NULL) {
		m->tab = old;
		return -1;
	}
	m->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++) {
		if (old[i].key == 0)
			continue;
		s = find(m, old[i].key);
		*s = old[i];
	}
	free(old);
	return 0;
}

const uint8_t *
mem_chunk(const struct mem *m, uint64_t addr)
{
	uint64_t key = (addr >> MEM_CHUNK_BITS) + 1;
	struct mem_slot *s;

	struct mem_slot *c = (struct mem_slot *)(uintptr_t)
	    &m->cache[key & (MEM_CACHE - 1)];

	if (c->key == key)
		return c->data;
	s = find(m, key);
	if (s->key == 0)
		return NULL;
	*c = *s;
	return s->data;
}

uint8_t *
mem_chunk_rw(struct mem *m, uint64_t addr)
{
	uint64_t key = (addr >> MEM_CHUNK_BITS) + 1;
	struct mem_slot *s;

	struct mem_slot *c = &m->cache[key & (MEM_CACHE - 1)];

	if (c->key == key)
		return c->data;
	s = find(m, key);
	if (s->key == 0) {
		if ((m->n + 1) * 4 > m->cap * 3) {
			if (grow(m) != 0)
				return NULL;
			s = find(m, key);
		}
		s->data = (uint8_t *)calloc(1, MEM_CHUNK);
		if (s->data == NULL)
			return NULL;
		s->key = key;
		m->n++;
	}
	*c = *s;
	return s->data;
}

/* mem_read's general case: any size, across chunks. */
uint64_t
mem_read_slow(const struct mem *m, uint64_t addr, unsigned size)
{
	uint64_t off = addr & (MEM_CHUNK - 1), v = 0;
	const uint8_t *c;
	unsigned i;

	if (off + size <= MEM_CHUNK) {
		c = mem_chunk(m, addr);
		if (c == NULL)
			return 0;
		for (i = size; i > 0; i--)
			v = (v << 8) | c[off + i - 1];
		return v;
	}
	for (i = size; i > 0; i--)
		v = (v << 8) | mem_read_slow(m, addr + i - 1, 1);
	return v;
}

void
mem_read_bytes(const struct mem *m, uint64_t addr, uint8_t *out, uint64_t n)
{
	uint64_t off, k;
	const uint8_t *c;

	while (n > 0) {
		off = addr & (MEM_CHUNK - 1);
		k = MEM_CHUNK - off;
		if (k > n)
			k = n;
		c = mem_chunk(m, addr);
		if (c == NULL)
			memset(out, 0, (size_t)k);
		else
			memcpy(out, c + off, (size_t)k);
		out += k;
		addr += k;
		n -= k;
	}
}

size_t
mem_nchunks(const struct mem *m)
{
	return m->n;
}

void
mem_each(const struct mem *m, void (*fn)(uint64_t, const uint8_t *, void *),
    void *arg)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->tab[i].key != 0)
			fn((m->tab[i].key - 1) << MEM_CHUNK_BITS,
			    m->tab[i].data, arg);
}

struct mem *
mem_clone(const struct mem *src)
{
	struct mem *m;
	size_t i;

	m = (struct mem *)calloc(1, sizeof *m);
	if (m == NULL)
		return NULL;
	m->cap = src->cap;
	m->n = src->n;	/* the cache starts empty: it points into src */
	m->tab = (struct mem_slot *)calloc(m->cap, sizeof *m->tab);
	if (m->tab == NULL) {
		free(m);
		return NULL;
	}
	for (i = 0; i < m->cap; i++) {
		if (src->tab[i].key == 0)
			continue;
		m->tab[i].key = src->tab[i].key;
		m->tab[i].data = (uint8_t *)malloc(MEM_CHUNK);
		if (m->tab[i].data == NULL) {
			mem_free(m);
			return NULL;
		}
		memcpy(m->tab[i].data, src->tab[i].data, MEM_CHUNK);
	}
	return m;
}
