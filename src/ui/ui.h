/*
 * ui.h - the screen: ncurses panes that show the machine, micro-step by
 * micro-step, and a GNU readline shell at the bottom that drives it.
 */
#ifndef VMSCOPE_UI_H
#define VMSCOPE_UI_H

#define UI_ASCII	0x1u	/* no UTF-8 line drawing */
#define UI_NOCOLOR	0x2u	/* monochrome (NO_COLOR, --color=never) */
#define UI_QUIZ		0x4u	/* quiz on from the start (--quiz) */
#define UI_ALLOW_WRITE	0x8u	/* the file played may save and dump
				 * (--allow-write) */

/* Run the screen, on FILE (a lesson or scenario) or, with NULL, on the
 * first lesson.  Returns the exit status: 0, 2 (it could not start: a file
 * with errors, a terminal that cannot show it), or 128 + N when signal N
 * (SIGTERM, SIGHUP) ended it, the terminal put back and the history
 * saved.  SIGINT, like Ctrl-C, only stops the work under way. */
int	ui_run(const char *file, unsigned flags);

/* make bench: the time to draw a step on a 200x60 screen, and to play
 * STEPS steps drawing each (vmscope --bench-screen FILE STEPS). */
int	ui_bench(const char *file, unsigned long steps);

#endif
