/*
 * tty.h - whether the terminal named by TERM can show the screen, asked
 * of terminfo before ncurses starts.
 */
#ifndef VMSCOPE_TTY_H
#define VMSCOPE_TTY_H

#include <stddef.h>

/* 0 when the terminal type is known and can move its cursor; else -1,
 * with the reason (and what to do) in msg. */
int	tty_check(char *msg, size_t size);

#endif
