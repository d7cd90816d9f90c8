/*
 * test_builtin.c - the lessons compiled into the program: every
 * lessons/NAME.lesson of the source tree is in builtin_files byte for
 * byte (read from the tree at test time: the tests run from the project
 * root), nothing else is, the entries are in name order, and
 * builtin_find() finds a lesson by its full name, by its name without
 * .lesson and by its number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>

#include <cmocka.h>

#include "script/builtin.h"

#define LESSON_DIR	"lessons"
#define LESSON_EXT	".lesson"
#define NAMES_MAX	256

/* The base names of lessons/NAME.lesson, sorted by strcmp. */
static char	*names[NAMES_MAX];
static size_t	 nnames;

static int
is_lesson(const char *name)
{
	size_t len = strlen(name), elen = strlen(LESSON_EXT);

	return len > elen && strcmp(name + len - elen, LESSON_EXT) == 0;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
read_names(void **state)
{
	DIR *d;
	struct dirent *e;

	(void)state;
	d = opendir(LESSON_DIR);
	if (d == NULL) {
		print_error("%s: cannot open (run from the project root)\n",
		    LESSON_DIR);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || !is_lesson(e->d_name))
			continue;
		if (nnames == NAMES_MAX) {
			closedir(d);
			print_error("more than %d lessons\n", NAMES_MAX);
			return -1;
		}
		names[nnames] = (char *)malloc(strlen(e->d_name) + 1);
		if (names[nnames] == NULL) {
			closedir(d);
			return -1;
		}
		strcpy(names[nnames++], e->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof names[0], by_name);
	return 0;
}

static int
free_names(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < nnames; i++)
		free(names[i]);
	nnames = 0;
	return 0;
}

/* The bytes of lessons/NAME, in a malloc'ed buffer; *len their number. */
static char *
slurp(const char *name, size_t *len)
{
	char path[1024], *buf = NULL;
	size_t cap = 0, n = 0, got;
	FILE *fp;

	snprintf(path, sizeof path, "%s/%s", LESSON_DIR, name);
	fp = fopen(path, "rb");
	if (fp == NULL)
		fail_msg("%s: cannot open", path);
	do {
		if (n == cap) {
			cap = cap ? 2 * cap : 65536;
			buf = (char *)realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	assert_false(ferror(fp));
	fclose(fp);
	*len = n;
	return buf;
}

/* Every lesson file is embedded, byte for byte, NUL-terminated. */
static void
test_every_lesson_embedded(void **state)
{
	const struct builtin_file *f;
	size_t i, len;
	char *text;

	(void)state;
	assert_true(nnames > 0);
	for (i = 0; i < nnames; i++) {
		for (f = builtin_files; f->name != NULL; f++)
			if (strcmp(f->name, names[i]) == 0)
				break;
		if (f->name == NULL)
			fail_msg("%s/%s is not built in (make regenerates "
			    "build/gen/builtin.c)", LESSON_DIR, names[i]);
		text = slurp(names[i], &len);
		if (f->len != len || memcmp(f->text, text, len) != 0)
			fail_msg("%s: the built-in copy (%zu bytes) differs "
			    "from %s/%s (%zu bytes)", names[i], f->len,
			    LESSON_DIR, names[i], len);
		assert_int_equal(f->text[len], '\0');
		free(text);
	}
}

/* The lessons are built in in name order, and besides them only the
 * workloads (*.work), found by builtin_file() and never as a lesson. */
static void
test_only_lessons_in_order(void **state)
{
	const struct builtin_file *f;
	size_t i = 0, n;

	(void)state;
	assert_int_equal(builtin_count(), nnames);
	for (f = builtin_files; f->name != NULL; f++) {
		if (is_lesson(f->name))
			assert_string_equal(f->name, names[i++]);
		else {
			n = strlen(f->name);
			assert_true(n > 5 && strcmp(f->name + n - 5, ".work") ==
			    0);
			assert_ptr_equal(builtin_file(f->name), f);
			assert_null(builtin_find(f->name));
		}
		if (f != builtin_files)
			assert_true(strcmp(f[-1].name, f->name) < 0);
	}
	assert_int_equal(i, nnames);
	assert_non_null(builtin_file("os-intensive.work"));
	assert_null(builtin_file("nosuch.work"));
	assert_null(f->text);
	assert_int_equal(f->len, 0);
}

/* The three forms of builtin_find(), for every lesson. */
static void
test_find_forms(void **state)
{
	char buf[1024];
	size_t i, len;

	(void)state;
	for (i = 0; i < nnames; i++) {
		assert_ptr_equal(builtin_find(names[i]), &builtin_files[i]);
		len = strlen(names[i]) - strlen(LESSON_EXT);
		memcpy(buf, names[i], len);
		buf[len] = '\0';
		assert_ptr_equal(builtin_find(buf), &builtin_files[i]);
		snprintf(buf, sizeof buf, "%zu", i + 1);
		assert_ptr_equal(builtin_find(buf), &builtin_files[i]);
	}
}

/* The first lesson, by each name a user would type. */
static void
test_find_first(void **state)
{
	const struct builtin_file *f;

	(void)state;
	f = builtin_find("01-virtual-memory.lesson");
	assert_non_null(f);
	assert_string_equal(f->name, "01-virtual-memory.lesson");
	assert_ptr_equal(builtin_find("01-virtual-memory"), f);
	assert_ptr_equal(builtin_find("1"), f);
	assert_ptr_equal(builtin_find("01"), f);
	assert_ptr_equal(&builtin_files[0], f);
}

/* What finds nothing. */
static void
test_find_nothing(void **state)
{
	char buf[64];

	(void)state;
	assert_null(builtin_find(NULL));
	assert_null(builtin_find(""));
	assert_null(builtin_find("0"));
	snprintf(buf, sizeof buf, "%zu", builtin_count() + 1);
	assert_null(builtin_find(buf));
	assert_null(builtin_find("99999999999999999999"));
	assert_null(builtin_find("-1"));
	assert_null(builtin_find("1x"));
	assert_null(builtin_find(" 1"));
	assert_null(builtin_find("01-virtual-memory.les"));
	assert_null(builtin_find("01-virtual-memory.lesson.lesson"));
	assert_null(builtin_find("01-virtual"));
	assert_null(builtin_find(".lesson"));
	assert_null(builtin_find("lessons/01-virtual-memory.lesson"));
	assert_null(builtin_find("no-such-lesson"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_lesson_embedded),
		cmocka_unit_test(test_only_lessons_in_order),
		cmocka_unit_test(test_find_forms),
		cmocka_unit_test(test_find_first),
		cmocka_unit_test(test_find_nothing),
	};

	return cmocka_run_group_tests(tests, read_names, free_names);
}
