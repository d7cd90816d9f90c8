/*
 * tty.c - whether the terminal can show the screen, asked of terminfo
 * before ncurses starts: newterm() on an unknown terminal type leaks what
 * it allocated, and on one that cannot move its cursor (TERM=dumb) it
 * starts and draws garbage.  Apart from ui.c because <term.h> defines a
 * macro for every capability's name (lines, columns, bell, ...).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "ui/tty.h"

int
tty_check(char *msg, size_t size)
{
	const char *term = getenv("TERM"), *cup;
	bool moves;
	int err = 0;

	if (term == NULL || *term == '\0') {
		snprintf(msg, size, "TERM is not set, so the screen cannot be "
		    "drawn; set it to the terminal's type (such as "
		    "xterm-256color), or run a file with --batch");
		return (-1);
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		if (err < 0)
			snprintf(msg, size, "no terminfo database, so the "
			    "screen cannot be drawn on '%.64s' (TERM); run a "
			    "file with --batch", term);
		else
			snprintf(msg, size, "unknown terminal type '%.64s' "
			    "(TERM); set TERM to one this system knows (such as "
			    "xterm-256color), or run a file with --batch", term);
		return (-1);
	}
	cup = tigetstr((char *)(uintptr_t)"cup");
	moves = cup != NULL && cup != (char *)-1;
	(void)del_curterm(cur_term);
	if (!moves) {
		snprintf(msg, size, "the terminal '%.64s' (TERM) cannot move its "
		    "cursor, so the screen cannot be drawn; set TERM to the "
		    "terminal's real type, or run a file with --batch", term);
		return (-1);
	}
	return (0);
}
