/*
 * journal.c - the undo log.  Records are laid out payload first, then a
 * trailer {pointer, length}, each padded to 8 bytes, so a step is undone
 * by walking its records backwards from the end of the buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "journal.h"

struct trailer {
	void *ptr;
	size_t len;
};

#define PAD8(n) (((n) + 7u) & ~(size_t)7u)

void
jr_init(struct journal *j)
{
	memset(j, 0, sizeof *j);
}

void
jr_free(struct journal *j)
{
	free(j->buf);
	free(j->steps);
	jr_init(j);
}

void
jr_clear(struct journal *j, uint64_t base)
{
	j->len = 0;
	j->nsteps = 0;
	j->base = base;
	j->failed = false;
}

int
jr_begin_step(struct journal *j)
{
	size_t *n;
	size_t cap;

	if (j->nsteps == j->capsteps) {
		cap = j->capsteps ? j->capsteps * 2 : 1024;
		n = (size_t *)realloc(j->steps, cap * sizeof *n);
		if (n == NULL) {
			j->failed = true;
			return -1;
		}
		j->steps = n;
		j->capsteps = cap;
	}
	j->steps[j->nsteps++] = j->len;
	return 0;
}

int
jr_save(struct journal *j, void *p, size_t n)
{
	size_t need = PAD8(n) + sizeof(struct trailer), cap;
	struct trailer t;
	uint8_t *b;

	if (j->nsteps == 0)
		return 0;	/* not inside a step: nothing to undo to */
	if (j->len + need > j->cap) {
		cap = j->cap ? j->cap : 65536;
		while (cap < j->len + need)
			cap *= 2;
		b = (uint8_t *)realloc(j->buf, cap);
		if (b == NULL) {
			j->failed = true;
			return -1;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, p, n);
	t.ptr = p;
	t.len = n;
	memcpy(j->buf + j->len + PAD8(n), &t, sizeof t);
	j->len += need;
	return 0;
}

bool
jr_undo_step(struct journal *j)
{
	size_t start;
	struct trailer t;

	if (j->nsteps == 0)
		return false;
	start = j->steps[--j->nsteps];
	while (j->len > start) {
		memcpy(&t, j->buf + j->len - sizeof t, sizeof t);
		j->len -= sizeof t + PAD8(t.len);
		memcpy(t.ptr, j->buf + j->len, t.len);
	}
	return true;
}

size_t
jr_bytes(const struct journal *j)
{
	return j->cap + j->capsteps * sizeof(size_t);
}
