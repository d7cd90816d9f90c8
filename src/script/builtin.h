/*
 * builtin.h - the lessons compiled into the program, so that vmscope
 * opens the first lesson even when no file is installed, and the guest
 * workloads that compare runs (scenarios/workloads/NAME.work), so that a
 * lesson reaches them by name wherever it is played from.  The array is
 * generated from those files by tools/embed.sh, which writes
 * build/gen/builtin.c.
 */
#ifndef VMSCOPE_BUILTIN_H
#define VMSCOPE_BUILTIN_H

#include <stddef.h>

struct builtin_file {
	const char	*name;	/* base name: "01-virtual-memory.lesson" */
	const char	*text;	/* the file's bytes, then a NUL */
	size_t		 len;	/* bytes in text, the NUL not counted */
};

/* In strcmp order of name; { NULL, NULL, 0 } ends it. */
extern const struct builtin_file builtin_files[];

/* The lessons (the entries named *.lesson). */
size_t	builtin_count(void);
/* A lesson by name, name without .lesson, or number from 1. */
const struct builtin_file *builtin_find(const char *);
/* Any entry by its exact name ("os-intensive.work"), or NULL. */
const struct builtin_file *builtin_file(const char *);
/* Whether name ends in .lesson. */
int	builtin_is_lesson(const char *name);
/* Which of names[0..n-1] (sorted) name means, as a lesson: its full name,
 * its name without .lesson, or its number N from 1 among the lessons;
 * -1 for none. */
long	builtin_pick(const char *name, const char *const *names, size_t n);

#endif
