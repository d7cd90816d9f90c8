/*
 * pt.c - page-table entries in both formats, and table geometry.
 *
 * x86: the entry is the frame's physical address with flags in the low
 * bits a page-aligned address leaves zero (present 0, writable 1, user 2,
 * accessed 5, dirty 6) and no-execute in bit 63 of 8-byte entries.
 * Rights combine over the levels as x86 does: writable and user are
 * ANDed, no-execute ORed.  simple: the top bit is valid, the rest the
 * frame number; no rights, no accessed or dirty bits.
 * Inverted tables keep x86-like flags in the low byte of word 1 of their
 * 16-byte entries (see machine.h).
 */
#include <stdio.h>

#include "machine.h"

uint64_t
pt_index(const struct machine *m, uint64_t vpn, unsigned level)
{
	unsigned sh = m->shift[level - 1] - m->c.page_bits;

	return (vpn >> sh) & ((1ull << m->c.split[level - 1]) - 1);
}

uint64_t
pt_entry_pa(const struct machine *m, uint64_t table, uint64_t vpn,
    unsigned level)
{
	return table + pt_index(m, vpn, level) * m->c.pte;
}

bool
pt_present(const struct machine *m, uint64_t e)
{
	if (m->c.format == FMT_X86)
		return (e & X86_P) != 0;
	return (e & m->valid_bit) != 0;
}

/* The physical address an entry points at (next table or page). */
uint64_t
pt_next(const struct machine *m, uint64_t e)
{
	if (m->c.format == FMT_X86)
		return e & m->addr_mask;
	return (e & (m->valid_bit - 1)) << m->c.page_bits;
}

uint64_t
pt_make_table(const struct machine *m, uint64_t frame)
{
	if (m->c.format == FMT_X86)
		return (frame << m->c.page_bits) | X86_P | X86_W | X86_U;
	return m->valid_bit | frame;
}

uint64_t
pt_set_perm(const struct machine *m, uint64_t e, unsigned perm, bool user)
{
	if (m->c.format != FMT_X86)
		return e;
	e &= ~(X86_W | X86_U | X86_NX);
	if (perm & PERM_W)
		e |= X86_W;
	if (user)
		e |= X86_U;
	if (m->has_nx && !(perm & PERM_X))
		e |= X86_NX;
	return e;
}

uint64_t
pt_make_leaf(const struct machine *m, uint64_t frame, unsigned perm,
    bool user)
{
	if (m->c.format == FMT_X86)
		return pt_set_perm(m, (frame << m->c.page_bits) | X86_P, perm,
		    user);
	return m->valid_bit | frame;
}

void
pt_rights(const struct machine *m, uint64_t e, uint8_t *w, uint8_t *u,
    uint8_t *nx)
{
	if (m->c.format != FMT_X86) {
		*w = *u = 1;
		*nx = 0;
		return;
	}
	*w = (e & X86_W) != 0;
	*u = (e & X86_U) != 0;
	*nx = m->has_nx && (e & X86_NX) != 0;
}

/* What the hardware can enforce of a permission: simple entries grant
 * everything; x86 without no-execute lets every present page run. */
unsigned
pt_effective_perm(const struct machine *m, unsigned perm)
{
	if (m->c.format != FMT_X86)
		return PERM_R | PERM_W | PERM_X;
	perm |= PERM_R;
	if (!m->has_nx)
		perm |= PERM_X;
	return perm;
}

uint64_t
pt_bucket(const struct machine *m, uint32_t asid, uint64_t vpn)
{
	return (vpn ^ ((uint64_t)asid * 5)) & (m->nbuckets - 1);
}

size_t
pt_flags_text(const struct machine *m, uint64_t e, bool leaf, char *buf,
    size_t n)
{
	int k;

	if (m->c.format != FMT_X86)
		k = snprintf(buf, n, "%s", (e & m->valid_bit) ? "V" : "-");
	else
		k = snprintf(buf, n, "%s%s%s%s%s%s",
		    (e & X86_P) ? "P" : "-",
		    (e & X86_P) ? ((e & X86_W) ? " W" : " R") : "",
		    (e & X86_P) ? ((e & X86_U) ? " U" : " S") : "",
		    (e & X86_A) ? " A" : "",
		    (leaf && (e & X86_D)) ? " D" : "",
		    (m->has_nx && (e & X86_NX)) ? " NX" : "");
	return k < 0 ? 0 : (size_t)k;
}

/* The OS's view of its own entries.  A paravirtualized guest's tables
 * hold machine (host) frames, as Xen's direct page tables do: the guest
 * OS puts the machine frame of a guest frame in an entry (its p2m map,
 * here the VMM's backing) and reads a guest frame back (m2p). */
static bool
pv(const struct machine *x)
{
	return x->cpu != x && x->mmu == MMU_PV;
}

uint64_t
pt_os_frame(struct machine *x, uint64_t gfn)
{
	uint64_t hf;

	if (!pv(x))
		return gfn;
	if (gfn >= x->gframes)
		return gfn;	/* refused by the VMM before it is written */
	hf = x->backing[gfn] ? x->backing[gfn] - 1 : vmm_back(x, gfn);
	return hf == NONE64 ? 0 : hf;
}

uint64_t
pt_os_next(const struct machine *x, uint64_t e)
{
	uint64_t hf;

	if (!pv(x))
		return pt_next(x, e);
	hf = x->c.format == FMT_X86 ? (e & x->cpu->addr_mask) >>
	    x->c.page_bits : e & (x->valid_bit - 1);
	hf = shadow_gfn(x->cpu, hf);
	return hf == NONE64 ? 0 : hf << x->c.page_bits;
}
