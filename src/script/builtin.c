/*
 * builtin.c - finding a lesson compiled into the program.
 *
 * builtin_find() takes what a user types after `lesson` or on the command
 * line, and tries, in this order:
 *   1. the full name:              "01-virtual-memory.lesson"
 *   2. the name without .lesson:   "01-virtual-memory"
 *   3. a number N from 1:          "1", the first lesson in name order
 *                                  (builtin_files is sorted by name)
 * and finds only lessons: the workloads are reached by builtin_file().
 * so that a lesson whose name is a number is found by its name first.
 * Anything else, an empty string and NULL find nothing.
 */
#include <string.h>

#include "builtin.h"

#define LESSON_EXT	".lesson"
#define NUMBER_MAX	9	/* digits in a lesson number */

static size_t	builtin_number(const char *);

static int
builtin_lesson(const struct builtin_file *f)
{
	size_t len = strlen(f->name), elen = strlen(LESSON_EXT);

	return len > elen && strcmp(f->name + len - elen, LESSON_EXT) == 0;
}

size_t
builtin_count(void)
{
	const struct builtin_file *f;
	size_t n = 0;

	for (f = builtin_files; f->name != NULL; f++)
		if (builtin_lesson(f))
			n++;
	return n;
}

const struct builtin_file *
builtin_file(const char *name)
{
	const struct builtin_file *f;

	if (name == NULL)
		return NULL;
	for (f = builtin_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

const struct builtin_file *
builtin_find(const char *name)
{
	const struct builtin_file *f;
	size_t len, elen = strlen(LESSON_EXT), n;

	if (name == NULL || *name == '\0')
		return NULL;
	for (f = builtin_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0 && builtin_lesson(f))
			return f;
	len = strlen(name);
	for (f = builtin_files; f->name != NULL; f++)
		if (strlen(f->name) == len + elen &&
		    strncmp(f->name, name, len) == 0 &&
		    strcmp(f->name + len, LESSON_EXT) == 0)
			return f;
	n = builtin_number(name);
	if (n == 0)
		return NULL;
	for (f = builtin_files; f->name != NULL; f++)
		if (builtin_lesson(f) && --n == 0)
			return f;
	return NULL;
}

/* The number that s spells in decimal, or 0 if it is not one (or has
 * more than NUMBER_MAX digits). */
static size_t
builtin_number(const char *s)
{
	size_t n = 0, i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i == NUMBER_MAX)
			return 0;
		n = n * 10 + (size_t)(s[i] - '0');
	}
	return n;
}
