/*
 * builtin.h - the lessons compiled into the program, so that vmscope
 * opens the first lesson even when no file is installed.  The array is
 * generated from the files of lessons/ by tools/embed.sh, which writes
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

size_t	builtin_count(void);
const struct builtin_file *builtin_find(const char *);

#endif
