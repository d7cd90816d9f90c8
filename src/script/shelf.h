/*
 * shelf.h - where lessons and scenarios are found: the local lessons/
 * and scenarios/ folders (the current directory's), then the installed
 * ones (VMSCOPE_DATADIR, from make install's prefix), then, for lessons,
 * the copies built into the program, so that `vmscope` opens lesson 1
 * even when nothing is installed.
 */
#ifndef VMSCOPE_SHELF_H
#define VMSCOPE_SHELF_H

#include <stddef.h>
#include <stdio.h>

/*
 * The lesson name means (its file name, its name without .lesson, or
 * its number N from 1 in name order; see builtin_pick): its text (to be
 * freed), its length, and where it came from ("lessons/01-....lesson",
 * or "01-....lesson" for the built-in copy).  Returns 0, or -1 when
 * there is no such lesson anywhere (or no memory).
 */
int	shelf_lesson(const char *name, char **text, size_t *len, char *where,
	    size_t wsize);

/* The lessons and the scenarios, one line each: the name and the first
 * comment line of the file (what it shows).  Returns 0, or -1 if the
 * output failed. */
int	shelf_list(FILE *);

#endif
