/*
 * replay.c - a main for the fuzz harnesses without libFuzzer: each FILE
 * given, and each file in each DIRECTORY given (not below it), is read
 * whole and passed once to LLVMFuzzerTestOneInput(), in a buffer of
 * exactly its size; then, as libFuzzer does, the empty input.  It fuzzes
 * nothing: `make test` builds every harness this way, under ASan and
 * UBSan with gcc or clang, and replays the seed corpus and the crash
 * reproducers (tests/fuzz/regress/).  -v names each file on stderr before
 * it runs, so a sanitizer's report follows the name of its input.
 *
 *   replay [-v] FILE|DIRECTORY...
 *
 * Exit status 0, or 2 when a file cannot be read (a harness that finds a
 * bug aborts).  A missing DIRECTORY is skipped: regress/NAME exists only
 * once something was found.
 */
#if !defined(_XOPEN_SOURCE)
#define _XOPEN_SOURCE 700	/* realpath() */
#endif

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static bool verbose;
static unsigned long ninputs;

/* Read path whole: 0, or -1 with a message. */
static int
replay_file(const char *path)
{
	FILE *fp;
	uint8_t *data = NULL, *nd;
	size_t len = 0, cap = 0, n;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return (-1);
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((nd = (uint8_t *)realloc(data, cap)) == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n",
				    path);
				free(data);
				fclose(fp);
				return (-1);
			}
			data = nd;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		free(data);
		fclose(fp);
		return (-1);
	}
	fclose(fp);
	/* Exactly len bytes, so that a read past the input is caught. */
	if ((nd = (uint8_t *)malloc(len ? len : 1)) == NULL) {
		free(data);
		return (-1);
	}
	memcpy(nd, data, len);
	free(data);
	if (verbose)
		fprintf(stderr, "replay: %s\n", path);
	(void)LLVMFuzzerTestOneInput(nd, len);
	free(nd);
	ninputs++;
	return (0);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The files of a directory, in name order (the same order everywhere). */
static int
replay_dir(const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char **names = NULL, **nn, *p;
	size_t n = 0, cap = 0, i, len;
	int r = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		len = strlen(dir) + strlen(de->d_name) + 2;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = (char **)realloc(names, cap * sizeof *nn)) ==
			    NULL) {
				r = -1;
				break;
			}
			names = nn;
		}
		if ((p = (char *)malloc(len)) == NULL) {
			r = -1;
			break;
		}
		snprintf(p, len, "%s/%s", dir, de->d_name);
		names[n++] = p;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, cmp_names);
	for (i = 0; i < n; i++) {
		if (r == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode) &&
		    replay_file(names[i]) != 0)
			r = -1;
		free(names[i]);
	}
	free(names);
	if (r != 0)
		fprintf(stderr, "replay: %s: cannot read it all\n", dir);
	return (r);
}

int
main(int argc, char **argv)
{
	struct stat st;
	char **real;
	int i, status = 0;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		verbose = true;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: replay [-v] FILE|DIRECTORY...\n");
		return (2);
	}
	/* The harness may change the current directory (the sandbox). */
	if ((real = (char **)calloc((size_t)argc, sizeof *real)) == NULL)
		return (2);
	for (i = 1; i < argc; i++) {
		if ((real[i] = realpath(argv[i], NULL)) == NULL && errno !=
		    ENOENT) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
			    strerror(errno));
			status = 2;
		}
	}
	(void)LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (real[i] == NULL)
			continue;	/* a missing regress/NAME */
		if (stat(real[i], &st) != 0 || (S_ISDIR(st.st_mode) ?
		    replay_dir(real[i]) : replay_file(real[i])) != 0)
			status = 2;
		free(real[i]);
	}
	free(real);
	(void)LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	ninputs++;
	fprintf(stderr, "replay: %lu inputs\n", ninputs);
	return (status);
}
