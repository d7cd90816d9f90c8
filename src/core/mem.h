/*
 * mem.h - a sparse byte store: 2^64 addressable bytes held as 4 KiB chunks
 * allocated on first write; absent chunks read as zeros.  It holds the
 * simulated physical memory (so pa up to 52 bits costs only what is
 * touched) and the disk (a page's disk copy at slot << page_bits).
 * Chunks never move once allocated, so the journal may keep pointers
 * into them.
 */
#ifndef VMSCOPE_MEM_H
#define VMSCOPE_MEM_H

#include <stddef.h>
#include <stdint.h>

#define MEM_CHUNK_BITS 12
#define MEM_CHUNK ((uint64_t)1 << MEM_CHUNK_BITS)

/* The store (its fields are mem.c's; they are here so that a read of a
 * chunk found in the cache is inlined). */
struct mem_slot {
	uint64_t key;		/* chunk number + 1; 0 = empty */
	uint8_t *data;
};

#define MEM_CACHE 256

struct mem {
	struct mem_slot *tab;
	size_t cap;		/* power of two */
	size_t n;
	/* a direct-mapped cache of chunks found (mutable even through const
	 * lookups): a walk touches a few table chunks over and over */
	struct mem_slot cache[MEM_CACHE];
};

struct mem	*mem_new(void);
void		 mem_free(struct mem *);
struct mem	*mem_clone(const struct mem *);
/* The chunk holding addr, or NULL if it was never written. */
const uint8_t	*mem_chunk(const struct mem *, uint64_t addr);
/* The chunk holding addr, allocated (zeroed) if needed; NULL if out of
 * memory. */
uint8_t		*mem_chunk_rw(struct mem *, uint64_t addr);
uint64_t	 mem_read_slow(const struct mem *, uint64_t addr, unsigned size);
void		 mem_read_bytes(const struct mem *, uint64_t addr, uint8_t *,
		    uint64_t n);
size_t		 mem_nchunks(const struct mem *);
/* Calls fn for every allocated chunk, in no particular order. */
void		 mem_each(const struct mem *, void (*)(uint64_t, const uint8_t *,
		    void *), void *);

/* The chunk holding addr if the cache has it, else mem_chunk(). */
static inline const uint8_t *
mem_chunk_cached(const struct mem *m, uint64_t addr)
{
	uint64_t key = (addr >> MEM_CHUNK_BITS) + 1;
	const struct mem_slot *c = &m->cache[key & (MEM_CACHE - 1)];

	return c->key == key ? c->data : mem_chunk(m, addr);
}

/* The same for writing: the cache's, else mem_chunk_rw()'s. */
static inline uint8_t *
mem_chunk_rw_cached(struct mem *m, uint64_t addr)
{
	uint64_t key = (addr >> MEM_CHUNK_BITS) + 1;
	const struct mem_slot *c = &m->cache[key & (MEM_CACHE - 1)];

	return c->key == key ? c->data : mem_chunk_rw(m, addr);
}

/* The little-endian value of size bytes (1, 2, 4 or 8 inline; any
 * other through mem_read_slow) at addr. */
static inline uint64_t
mem_read(const struct mem *m, uint64_t addr, unsigned size)
{
	uint64_t off = addr & (MEM_CHUNK - 1);
	const uint8_t *c;

	if (off + size > MEM_CHUNK)
		return mem_read_slow(m, addr, size);
	c = mem_chunk_cached(m, addr);
	if (c == NULL)
		return 0;
	c += off;
	switch (size) {
	case 1:
		return c[0];
	case 2:
		return (uint64_t)c[0] | (uint64_t)c[1] << 8;
	case 4:
		return (uint64_t)c[0] | (uint64_t)c[1] << 8 |
		    (uint64_t)c[2] << 16 | (uint64_t)c[3] << 24;
	case 8:
		return (uint64_t)c[0] | (uint64_t)c[1] << 8 |
		    (uint64_t)c[2] << 16 | (uint64_t)c[3] << 24 |
		    (uint64_t)c[4] << 32 | (uint64_t)c[5] << 40 |
		    (uint64_t)c[6] << 48 | (uint64_t)c[7] << 56;
	default:
		return mem_read_slow(m, addr, size);
	}
}

#endif
