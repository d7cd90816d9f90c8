/*
 * quiz.h - questions for the student, with the engine's own answers: the
 * quiz asks before each key stage of an access (the split, the TLB
 * probe, each entry read, the physical address, the victim and its
 * write-back, the instruction's fate and the exit's reason), and an
 * `ask NAME` line asks for any expect name.  A wrong answer is told the
 * right one and why, in the words of the event that decides it.
 */
#ifndef VMSCOPE_QUIZ_H
#define VMSCOPE_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"

#define QUIZ_TEXT 256
#define QUIZ_WHY  512

struct quiz_q {
	char	 text[QUIZ_TEXT];	/* the question */
	char	 answer[64];		/* the answer as shown: 0x401, hit */
	bool	 num;			/* a number: compared by value */
	bool	 hex;			/* shown in hex: plain digits may be
					 * read in hex */
	uint64_t value;
	char	 alt[32];		/* a second accepted word (an exit
					 * reason's number), or "" */
	char	 why[QUIZ_WHY];		/* the engine's reasoning */
};

/*
 * The question to ask before event ev is shown (the engine has made the
 * step; the student has not seen it), if its stage is one the quiz asks
 * about.  prev is the kind of the event shown just before (EV_N for
 * none): the write-back question comes after a victim.  Returns false
 * when there is nothing to ask here.
 */
bool	quiz_for_event(const struct engine *, const struct event *ev,
	    unsigned prev, struct quiz_q *);

/*
 * The question of `ask NAME [TEXT]`: the answer is what `expect NAME`
 * compares now; text (textlen bytes, may be 0) is the question shown.
 * Returns 0, or -1 with the reason in the verr (an unknown name).
 */
int	quiz_for_name(const struct engine *, const char *name,
	    const char *text, size_t textlen, struct quiz_q *, struct verr *);

/* Set why: what the student is told with a wrong answer. */
void	quiz_set_why(struct quiz_q *, const char *why);

/*
 * Whether answer (what the student typed) is right: a number in hex
 * (0x...) or decimal (and plain digits that read right in hex, since
 * addresses are shown in hex), a word in any case, yes/no as y/n.  msg
 * gets the reply to show: "right" or the answer and why.
 */
bool	quiz_check(const struct quiz_q *, const char *answer, char *msg,
	    size_t size);

#endif
