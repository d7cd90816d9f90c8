/*
 * journal.h - the undo log behind `back`.  Before the machine changes a
 * piece of its state it saves the old bytes here (jr_save); steps are
 * delimited by jr_begin_step; jr_undo_step puts the last step's bytes
 * back in reverse order.  Every saved pointer must stay valid while the
 * journal holds it: the machine keeps its state in storage that never
 * moves (fixed arrays, chunked pools, 4 KiB memory chunks).
 */
#ifndef VMSCOPE_JOURNAL_H
#define VMSCOPE_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct journal {
	uint8_t *buf;
	size_t len, cap;
	size_t *steps;		/* offset in buf where each step starts */
	size_t nsteps, capsteps;
	uint64_t base;		/* position before the first step held */
	bool failed;		/* out of memory: history lost */
};

void	jr_init(struct journal *);
void	jr_free(struct journal *);
void	jr_clear(struct journal *, uint64_t base);
int	jr_begin_step(struct journal *);
int	jr_save(struct journal *, void *, size_t);
/* Undo the last step held; false if there is none. */
bool	jr_undo_step(struct journal *);
size_t	jr_bytes(const struct journal *);

#endif
