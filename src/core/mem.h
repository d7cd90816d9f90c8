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

struct mem;

struct mem	*mem_new(void);
void		 mem_free(struct mem *);
struct mem	*mem_clone(const struct mem *);
/* The chunk holding addr, or NULL if it was never written. */
const uint8_t	*mem_chunk(const struct mem *, uint64_t addr);
/* The chunk holding addr, allocated (zeroed) if needed; NULL if out of
 * memory. */
uint8_t		*mem_chunk_rw(struct mem *, uint64_t addr);
uint64_t	 mem_read(const struct mem *, uint64_t addr, unsigned size);
void		 mem_read_bytes(const struct mem *, uint64_t addr, uint8_t *,
		    uint64_t n);
size_t		 mem_nchunks(const struct mem *);
/* Calls fn for every allocated chunk, in no particular order. */
void		 mem_each(const struct mem *, void (*)(uint64_t, const uint8_t *,
		    void *), void *);

#endif
