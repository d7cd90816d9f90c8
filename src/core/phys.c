/*
 * phys.c - reading and writing a machine's physical memory and its disk.
 * Every write saves the old bytes in the journal first (when there is
 * one), so a step can be undone.  A guest's physical memory lives in
 * host frames: a guest-physical address is translated through the VMM's
 * backing map; an unbacked guest frame reads as zeros, and the guest
 * OS's own first write to one has the VMM back it (vmx.c).
 */
#include <string.h>

#include "machine.h"

/* The store holding *pa of m's physical memory, *pa made a host
 * address; NULL when it is an unbacked guest frame (and !create). */
static struct mem *
resolve(struct machine *m, uint64_t *pa, bool create)
{
	uint64_t gfn, hf;

	if (m->cpu == m)
		return m->phys;
	gfn = *pa >> m->c.page_bits;
	if (gfn >= m->gframes)
		return NULL;
	hf = m->backing[gfn];
	if (hf == 0) {
		if (!create || (hf = vmm_back(m, gfn)) == NONE64)
			return NULL;
		hf++;
	}
	*pa = ((hf - 1) << m->c.page_bits) | (*pa & (m->c.page - 1));
	return m->cpu->phys;
}

/* The host physical address of a guest-physical one (NONE64 unbacked);
 * natively the same address. */
uint64_t
phys_host(const struct machine *m, uint64_t pa)
{
	uint64_t gfn, hf;

	if (m->cpu == m)
		return pa;
	gfn = pa >> m->c.page_bits;
	if (gfn >= m->gframes || (hf = m->backing[gfn]) == 0)
		return NONE64;
	return ((hf - 1) << m->c.page_bits) | (pa & (m->c.page - 1));
}

uint64_t
phys_read_guest(const struct machine *m, uint64_t pa, unsigned size)
{
	struct mem *s = resolve((struct machine *)(uintptr_t)m, &pa, false);

	return s == NULL ? 0 : mem_read(s, pa, size);
}

/* Are the n bytes at p (NULL: zeros) all zero? */
static bool
all_zero(const uint8_t *p, uint64_t n)
{
	uint64_t i;

	if (p == NULL)
		return true;
	for (i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

/* Write n bytes at addr of store s, journaling the old bytes.  Zeros
 * written where no chunk is change nothing (an absent chunk reads as
 * zeros) and allocate nothing: a trace's writes carry no values, so its
 * pages' disk copies would otherwise take 4 KiB each, without bound. */
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
		if (all_zero(src, k) && mem_chunk(s, addr) == NULL) {
			if (src != NULL)
				src += k;
			addr += k;
			n -= k;
			continue;
		}
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

/* Write n bytes at pa of m's memory, page by page (a guest's pages
 * may lie anywhere in the host). */
static void
phys_store(struct machine *m, uint64_t pa, const uint8_t *src, uint64_t n,
    bool zero)
{
	uint64_t k, a;
	struct mem *s;

	while (n > 0) {
		k = m->c.page - (pa & (m->c.page - 1));
		if (k > n)
			k = n;
		a = pa;
		s = resolve(m, &a, !zero);
		if (s != NULL && (!zero || mem_chunk(s, a) != NULL))
			store_write(m, s, a, src, k);
		if (src != NULL)
			src += k;
		pa += k;
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
	phys_store(m, pa, b, size, false);
}

void
phys_write_bytes(struct machine *m, uint64_t pa, const uint8_t *p, uint64_t n)
{
	phys_store(m, pa, p, n, false);
}

/* Zero a range; chunks never written stay absent (they read as 0), and
 * an unbacked guest frame stays unbacked. */
void
phys_zero(struct machine *m, uint64_t pa, uint64_t n)
{
	uint64_t k;

	while (n > 0) {
		k = MEM_CHUNK - (pa & (MEM_CHUNK - 1));
		if (k > m->c.page - (pa & (m->c.page - 1)))
			k = m->c.page - (pa & (m->c.page - 1));
		if (k > n)
			k = n;
		phys_store(m, pa, NULL, k, true);
		pa += k;
		n -= k;
	}
}

/* Copy one page between stores, chunk by chunk, skipping source chunks
 * that were never written (zeros) when the target is absent too.  A NULL
 * source reads as zeros. */
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
		c = src == NULL ? NULL : mem_chunk(src, sa);
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
	uint64_t a = frame << m->c.page_bits;
	const struct mem *s = resolve(m, &a, false);

	copy_page(m, m->disk, (uint64_t)slot << m->c.page_bits, s, a);
}

void
disk_load(struct machine *m, uint32_t slot, uint64_t frame)
{
	uint64_t a = frame << m->c.page_bits;
	struct mem *s = resolve(m, &a, true);

	if (s != NULL)
		copy_page(m, s, a, m->disk, (uint64_t)slot << m->c.page_bits);
}
