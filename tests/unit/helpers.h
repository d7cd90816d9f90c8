/*
 * helpers.h - what the unit tests share: building machines and engines,
 * running operations to the end, queries, peek and poke, and the common
 * operations.  Every helper fails the running cmocka test (fail_msg)
 * when what it does is refused; see helpers.c.
 */
#ifndef VMSCOPE_TESTS_HELPERS_H
#define VMSCOPE_TESTS_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

struct machine;

/* Room for the events of one operation in th_run_ev() and th_drain(). */
#define TH_MAX_EV 256

/* ---- machines and engines ---- */

/* mcfg_init(c), then va and pa bits and a pool of frames frames. */
void	th_config(struct mconfig *, unsigned va, unsigned pa,
	    uint64_t frames);
/* mcfg_finish(c) and machine_new(c). */
struct machine *th_machine(struct mconfig *);
/* mcfg_finish(c) and engine_new(c, ENGINE_JOURNAL). */
struct engine *th_engine(struct mconfig *);
/* th_engine() with the future f[0..n-1] (for OPT). */
struct engine *th_engine_future(struct mconfig *, const struct future_ref *f,
	    size_t n);

/* ---- running ---- */

/* Step until idle; events go to ev[0..TH_MAX_EV-1] (if not NULL).
 * Returns the number of steps. */
size_t	th_drain(struct engine *, struct event *ev);
/* Submit o and th_drain(); returns the number of steps. */
size_t	th_run_ev(struct engine *, const struct op *o, struct event *ev);
/* Submit o and step until idle. */
void	th_run(struct engine *, const struct op *o);
/* Run o; the first event of kind k (fails if none, unless k is EV_N). */
struct event th_run_find(struct engine *, const struct op *o,
	    enum ev_kind k);
/* Submit o, expecting a refusal: its message into msg[0..n-1]; returns
 * engine_submit's result (0: accepted, left to run). */
int	th_submit_err(struct engine *, const struct op *o, char *msg,
	    size_t n);
/* How many of ev[0..n-1] are of kind k. */
size_t	th_count(const struct event *ev, size_t n, enum ev_kind k);
/* The text of one event (a static buffer). */
const char *th_text(struct engine *, const struct event *ev);

/* ---- state ---- */

/* The number expect NAME would compare (fails if it is not a number). */
uint64_t th_qnum(struct engine *, const char *name);
/* The word expect NAME would compare: "none" for none, "?" for a number. */
const char *th_qword(struct engine *, const char *name);
/* The little-endian value of size bytes at physical address pa. */
uint64_t th_peek(struct engine *, uint64_t pa, unsigned size);
/* poke PA BYTES: b[0..n-1] at pa. */
void	th_poke(struct engine *, uint64_t pa, const uint8_t *b, size_t n);
/* poke of v as size little-endian bytes at pa. */
void	th_poke_le(struct engine *, uint64_t pa, uint64_t v, unsigned size);

/* ---- operations ---- */

/* An operation with no arguments (vmxon, interrupt, ...). */
void	th_simple(struct engine *, enum op_kind k);
/* An operation on a name (switch, vmlaunch, ...). */
void	th_named(struct engine *, enum op_kind k, const char *name);
/* process NAME [asid=ASID] [root=ROOT] (-1: not given); events to ev. */
size_t	th_process_ev(struct engine *, const char *name, int64_t asid,
	    int64_t root, struct event *ev);
/* th_process_ev() without the events. */
void	th_process(struct engine *, const char *name, int64_t asid,
	    int64_t root);
/* map VA pages=PAGES [disk] [frame=FRAME] (-1: not given), rw-. */
void	th_map(struct engine *, uint64_t va, uint64_t pages, bool disk,
	    int64_t frame);
/* An access of kind k (read, write, exec) of 1 byte at va, a write
 * storing value; events to ev.  Returns the number of steps. */
size_t	th_access_ev(struct engine *, enum op_kind k, uint64_t va,
	    uint64_t value, struct event *ev);
/* th_access_ev() without the events. */
void	th_access(struct engine *, enum op_kind k, uint64_t va,
	    uint64_t value);
/* vm NAME mmu=MMU cpu=CPU memory=MEMORY [backing=lazy]. */
void	th_vm(struct engine *, const char *name, enum vm_mmu mmu,
	    enum vm_cpu cpu, uint64_t memory, bool lazy);
/* vmxon, th_vm() of guest "g" on VT-x, vmlaunch g: the guest runs. */
void	th_guest(struct engine *, enum vm_mmu mmu, uint64_t memory,
	    bool lazy);

#endif
