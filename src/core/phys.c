/*
 * phys.c - writing simulated physical memory and the disk.  Every write
 * saves the old bytes in the journal first (when there is one), so a
 * step can be undone; reads go straight to the sparse store.
 */
#include <string.h>

#include "machine.h"

uint64_t
phys_read(const struct machine *m, uint64_t pa, unsigned size)
{
	return mem_read(m->phys, pa, size);
}

/* Write n bytes at addr of store s, journaling the old bytes. */
static void
store_write(struct machine *m, struct mem *s, uint64_t addr,
    const uint8_t *src, uint64_t n)
{
	uint64_t off, k;
	uint8_t *c;

	while (n > 0) {
		off = addr & (MEM_CHUNK - 1);
		k = MEM_CHUNK - off;
		if (k > n)
			k = n;
		c = mem_chunk_rw(s, addr);
		if (c == NULL) {
			m->oom = true;
			return;
		}
		J(m, c + off, (size_t)k);
		if (src != NULL) {
			memcpy(c + off, src, (size_t)k);
			src += k;
		} else
			memset(c + off, 0, (size_t)k);
		addr += k;
		n -= k;
	}
}

void
phys_write(struct machine *m, uint64_t pa, uint64_t v, unsigned size)
{
	uint8_t b[8];
	unsigned i;

	for (i = 0; i < size; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	store_write(m, m->phys, pa, b, size);
}

void
phys_write_bytes(struct machine *m, uint64_t pa, const uint8_t *p, uint64_t n)
{
	store_write(m, m->phys, pa, p, n);
}

/* Zero a range; chunks never written stay absent (they read as 0). */
void
phys_zero(struct machine *m, uint64_t pa, uint64_t n)
{
	uint64_t off, k;

	while (n > 0) {
		off = pa & (MEM_CHUNK - 1);
		k = MEM_CHUNK - off;
		if (k > n)
			k = n;
		if (mem_chunk(m->phys, pa) != NULL)
			store_write(m, m->phys, pa, NULL, k);
		pa += k;
		n -= k;
	}
}

/* Copy between a frame and a disk slot, chunk by chunk, skipping source
 * chunks that were never written (zeros) when the target is absent too. */
static void
copy_page(struct machine *m, struct mem *dst, uint64_t da,
    const struct mem *src, uint64_t sa)
{
	uint64_t n = m->c.page, k, off;
	const uint8_t *c;

	while (n > 0) {
		off = sa & (MEM_CHUNK - 1);
		k = MEM_CHUNK - off;
		if (k > n)
			k = n;
		c = mem_chunk(src, sa);
		if (c != NULL)
			store_write(m, dst, da, c + off, k);
		else if (mem_chunk(dst, da) != NULL)
			store_write(m, dst, da, NULL, k);
		sa += k;
		da += k;
		n -= k;
	}
}

void
disk_store(struct machine *m, uint32_t slot, uint64_t frame)
{
	copy_page(m, m->disk, (uint64_t)slot << m->c.page_bits, m->phys,
	    frame << m->c.page_bits);
}

void
disk_load(struct machine *m, uint32_t slot, uint64_t frame)
{
	copy_page(m, m->phys, frame << m->c.page_bits, m->disk,
	    (uint64_t)slot << m->c.page_bits);
}
