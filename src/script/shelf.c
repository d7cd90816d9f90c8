/*
 * shelf.c - lessons and scenarios found where a user keeps them: the
 * current directory's lessons/ and scenarios/, the installed ones under
 * VMSCOPE_DATADIR, and for lessons the copies built into the program
 * (builtin.c), searched in that order, the first that has the name
 * winning.  Folders are read in name order, so that "lesson 3" is the
 * third lesson wherever the lessons come from.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "run.h"
#include "shelf.h"

#ifndef VMSCOPE_DATADIR
#define VMSCOPE_DATADIR "/usr/local/share/vmscope"
#endif

#define SHELF_MAX	512	/* files of one kind in one folder */

static const char *const shelf_dirs[] = { ".", VMSCOPE_DATADIR };

struct shelf_names {
	char	*v[SHELF_MAX];
	size_t	 n;
};

static int
shelf_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
shelf_ends(const char *s, const char *ext)
{
	size_t n = strlen(s), e = strlen(ext);

	return n > e && strcmp(s + n - e, ext) == 0;
}

/* The names of dir's files ending in ext, sorted; none if dir is not
 * there. */
static void
shelf_scan(const char *dir, const char *ext, struct shelf_names *out)
{
	DIR *d;
	struct dirent *de;

	out->n = 0;
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && out->n < SHELF_MAX) {
		if (de->d_name[0] == '.' || !shelf_ends(de->d_name, ext))
			continue;
		if ((out->v[out->n] = strdup(de->d_name)) != NULL)
			out->n++;
	}
	closedir(d);
	qsort(out->v, out->n, sizeof out->v[0], shelf_cmp);
}

static void
shelf_free(struct shelf_names *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	s->n = 0;
}

static int
shelf_has(const struct shelf_names *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return 1;
	return 0;
}

/* A whole file: 0, or -1. */
static int
shelf_read(const char *path, char **text, size_t *len)
{
	FILE *f;
	long n;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    (unsigned long)n > (unsigned long)RUN_FILE_MAX ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (*text = (char *)malloc((size_t)n + 1)) == NULL) {
		fclose(f);
		return -1;
	}
	if (fread(*text, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(*text);
		return -1;
	}
	fclose(f);
	(*text)[n] = '\0';
	*len = (size_t)n;
	return 0;
}

static void
shelf_path(char *buf, size_t size, const char *base, const char *kind,
    const char *name)
{
	if (strcmp(base, ".") == 0)
		snprintf(buf, size, "%s/%s", kind, name);
	else
		snprintf(buf, size, "%s/%s/%s", base, kind, name);
}

int
shelf_lesson(const char *name, char **text, size_t *len, char *where,
    size_t wsize)
{
	const struct builtin_file *b;
	struct shelf_names s;
	char dir[1024], path[2048];
	size_t k;
	long i;

	for (k = 0; k < sizeof shelf_dirs / sizeof shelf_dirs[0]; k++) {
		shelf_path(dir, sizeof dir, shelf_dirs[k], "lessons", "");
		shelf_scan(dir, ".lesson", &s);
		i = builtin_pick(name, (const char *const *)s.v, s.n);
		if (i >= 0) {
			shelf_path(path, sizeof path, shelf_dirs[k], "lessons",
			    s.v[i]);
			shelf_free(&s);
			if (shelf_read(path, text, len) != 0)
				return -1;
			snprintf(where, wsize, "%s", path);
			return 0;
		}
		shelf_free(&s);
	}
	if ((b = builtin_find(name)) == NULL ||
	    (*text = (char *)malloc(b->len + 1)) == NULL)
		return -1;
	memcpy(*text, b->text, b->len + 1);
	*len = b->len;
	snprintf(where, wsize, "%s", b->name);
	return 0;
}

/* The first line of text, when it is a comment: what the file shows. */
static void
shelf_summary(const char *text, char *out, size_t size)
{
	size_t n;

	out[0] = '\0';
	if (strncmp(text, "\xef\xbb\xbf", 3) == 0)
		text += 3;
	if (text[0] != '#')
		return;
	for (text++; *text == ' '; text++)
		;
	n = strcspn(text, "\r\n");
	snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), text);
}

/* One entry: a lesson by its name (what vmscope NAME and lesson NAME
 * take), a scenario by its path (what vmscope PATH takes). */
static int
shelf_line(FILE *out, const char *name, const char *ext, const char *path,
    const char *text)
{
	char sum[1024];
	size_t n = strlen(name) - strlen(ext);

	shelf_summary(text, sum, sizeof sum);
	if (path != NULL)
		return fprintf(out, "  %s\n      %s\n", path, sum) < 0 ? -1 : 0;
	return fprintf(out, "  %-24.*s %s\n", (int)n, name, sum) < 0 ? -1 : 0;
}

/* Every file of one kind on the shelf, the first of each name. */
static int
shelf_list_kind(FILE *out, const char *kind, const char *ext, int builtin)
{
	struct shelf_names seen, s;
	const struct builtin_file *b;
	char path[2048], *text;
	size_t k, i, len;
	int r = 0;

	seen.n = 0;
	if (fprintf(out, "%s", builtin ? "lessons (vmscope NAME, or lesson "
	    "NAME in the shell):\n" : "scenarios (vmscope PATH):\n") < 0)
		return -1;
	for (k = 0; k < sizeof shelf_dirs / sizeof shelf_dirs[0]; k++) {
		shelf_path(path, sizeof path, shelf_dirs[k], kind, "");
		shelf_scan(path, ext, &s);
		for (i = 0; i < s.n; i++) {
			if (shelf_has(&seen, s.v[i]) || seen.n == SHELF_MAX)
				continue;
			shelf_path(path, sizeof path, shelf_dirs[k], kind,
			    s.v[i]);
			if (shelf_read(path, &text, &len) != 0)
				continue;
			if (shelf_line(out, s.v[i], ext, builtin ? NULL : path,
			    text) != 0)
				r = -1;
			free(text);
			seen.v[seen.n++] = s.v[i];
			s.v[i] = NULL;
		}
		for (i = 0; i < s.n; i++)
			free(s.v[i]);
	}
	for (b = builtin_files; builtin && b->name != NULL; b++)
		if (shelf_ends(b->name, ext) && !shelf_has(&seen, b->name) &&
		    shelf_line(out, b->name, ext, NULL, b->text) != 0)
			r = -1;
	shelf_free(&seen);
	return r;
}

int
shelf_list(FILE *out)
{
	if (shelf_list_kind(out, "lessons", ".lesson", 1) != 0 ||
	    shelf_list_kind(out, "scenarios", ".scenario", 0) != 0)
		return -1;
	return fflush(out) == 0 ? 0 : -1;
}
