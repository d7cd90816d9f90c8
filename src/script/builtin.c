/*
 * builtin.c - the files compiled into the program: the lessons, found by
 * what a user types after `lesson` or on the command line, and the
 * workloads, found by their exact name.
 *
 * builtin_pick() tries, in this order:
 *   1. the full name:              "01-virtual-memory.lesson"
 *   2. the name without .lesson:   "01-virtual-memory"
 *   3. a number N from 1:          "1", the first lesson in name order
 * so that a lesson whose name is a number is found by its name first.
 * Anything else, an empty string and NULL find nothing.  It only sees
 * lessons (names ending in .lesson); builtin_find() applies it to the
 * built-in lessons (builtin_files is sorted by name), shelf.c to the
 * lessons of a folder.
 */
#include <string.h>

#include "builtin.h"

#define LESSON_EXT	".lesson"
#define NUMBER_MAX	9	/* digits in a lesson number */

static size_t	builtin_number(const char *);

int
builtin_is_lesson(const char *name)
{
	size_t len = strlen(name), elen = strlen(LESSON_EXT);

	return len > elen && strcmp(name + len - elen, LESSON_EXT) == 0;
}

size_t
builtin_count(void)
{
	const struct builtin_file *f;
	size_t n = 0;

	for (f = builtin_files; f->name != NULL; f++)
		if (builtin_is_lesson(f->name))
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

long
builtin_pick(const char *name, const char *const *names, size_t n)
{
	size_t i, len, elen = strlen(LESSON_EXT), k;

	if (name == NULL || *name == '\0')
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0 && builtin_is_lesson(names[i]))
			return (long)i;
	len = strlen(name);
	for (i = 0; i < n; i++)
		if (strlen(names[i]) == len + elen &&
		    strncmp(names[i], name, len) == 0 &&
		    strcmp(names[i] + len, LESSON_EXT) == 0)
			return (long)i;
	if ((k = builtin_number(name)) == 0)
		return -1;
	for (i = 0; i < n; i++)
		if (builtin_is_lesson(names[i]) && --k == 0)
			return (long)i;
	return -1;
}

const struct builtin_file *
builtin_find(const char *name)
{
	const char *names[256];
	size_t n = 0;
	long i;

	while (builtin_files[n].name != NULL && n < 256) {
		names[n] = builtin_files[n].name;
		n++;
	}
	i = builtin_pick(name, names, n);
	return i < 0 ? NULL : &builtin_files[i];
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
