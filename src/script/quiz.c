/*
 * quiz.c - questions with the engine's answers.  The machine decides
 * every answer: a question before a key stage is made from the event of
 * that stage, which the engine has computed and the student has not yet
 * seen; an `ask NAME` question takes what expect NAME would compare.
 * Checking an answer reads numbers as the screen writes them (hex) or in
 * decimal, and words in any case.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "script/cmd.h"
#include "script/quiz.h"

static void
quiz_num(struct quiz_q *q, uint64_t v)
{
	q->num = true;
	q->hex = true;
	q->value = v;
	snprintf(q->answer, sizeof q->answer, "0x%llx", (unsigned long long)v);
}

static void
quiz_word(struct quiz_q *q, const char *w)
{
	q->num = false;
	snprintf(q->answer, sizeof q->answer, "%s", w);
}

void
quiz_set_why(struct quiz_q *q, const char *why)
{
	snprintf(q->why, sizeof q->why, "%s", why);
}

bool
quiz_for_event(const struct engine *e, const struct event *ev, unsigned prev,
    struct quiz_q *q)
{
	const char *w;

	memset(q, 0, sizeof *q);
	switch (ev->kind) {
	case EV_SPLIT:
		snprintf(q->text, sizeof q->text, "The CPU splits 0x%llx: "
		    "which virtual page number?", (unsigned long long)ev->a);
		quiz_num(q, ev->b);
		break;
	case EV_TLB_HIT:
	case EV_TLB_MISS:
		snprintf(q->text, sizeof q->text, "The TLB is probed for vpn "
		    "0x%llx: hit or miss?", (unsigned long long)ev->a);
		quiz_word(q, ev->kind == EV_TLB_HIT ? "hit" : "miss");
		break;
	case EV_WALK:
		snprintf(q->text, sizeof q->text, "%swalk, level %u: at which "
		    "physical address is the entry read?", ev->e ? "Shadow " :
		    "Page ", ev->level);
		quiz_num(q, ev->a);
		break;
	case EV_GWALK:
		snprintf(q->text, sizeof q->text, "Guest walk, level %u: at "
		    "which guest-physical address is the guest's entry?",
		    ev->level);
		quiz_num(q, ev->c);
		break;
	case EV_DATA:
		snprintf(q->text, sizeof q->text, "Which physical address does "
		    "the access reach?");
		quiz_num(q, ev->a);
		break;
	case EV_VICTIM:
		snprintf(q->text, sizeof q->text, "%s", (ev->flags & EVF_FREE) ?
		    "A page comes in: which frame does the OS give it?" :
		    "No free frame: which frame does the policy evict?");
		quiz_num(q, ev->a);
		break;
	case EV_EVICT:
		if (prev != EV_VICTIM)
			return (false);
		snprintf(q->text, sizeof q->text, "Is the victim in frame 0x%llx "
		    "written back to disk (yes or no)?",
		    (unsigned long long)ev->a);
		quiz_word(q, (ev->flags & EVF_VICTIM) ? "yes" : "no");
		break;
	case EV_INSN:
		if (ev->b == IR_NONE || ev->a >= INSN_N)
			return (false);
		snprintf(q->text, sizeof q->text, "%s: native, exit, trap, "
		    "translated or silent?", insn_names[ev->a]);
		quiz_word(q, engine_insn_word((enum insn_result)ev->b));
		break;
	case EV_EXIT:
		if ((w = engine_exit_name((unsigned)ev->a)) == NULL)
			return (false);
		snprintf(q->text, sizeof q->text, "The guest leaves non-root "
		    "mode: which exit reason (name or number)?");
		quiz_word(q, w);
		snprintf(q->alt, sizeof q->alt, "%llu",
		    (unsigned long long)ev->a);
		break;
	default:
		return (false);
	}
	(void)event_format(e, ev, q->why, sizeof q->why);
	return (true);
}

int
quiz_for_name(const struct engine *e, const char *name, const char *text,
    size_t textlen, struct quiz_q *q, struct verr *ve)
{
	struct qval v;

	memset(q, 0, sizeof *q);
	if (engine_query(e, name, &v, ve) != 0)
		return (-1);
	if (textlen > 0)
		snprintf(q->text, sizeof q->text, "%.*s", (int)textlen, text);
	else
		snprintf(q->text, sizeof q->text, "What is %s now?", name);
	if (v.kind == QV_NUM) {
		quiz_num(q, v.num);
		if (!cmd_name_is_hex(name)) {	/* a count: decimal */
			q->hex = false;
			snprintf(q->answer, sizeof q->answer, "%llu",
			    (unsigned long long)v.num);
		}
	} else
		quiz_word(q, v.kind == QV_WORD ? v.word : "none");
	snprintf(q->why, sizeof q->why, "the machine says %s = %s", name,
	    q->answer);
	return (0);
}

/* The answer typed, trimmed and in lower case. */
static void
quiz_clean(const char *in, char *out, size_t size)
{
	size_t n = 0;

	while (*in == ' ' || *in == '\t')
		in++;
	while (*in != '\0' && n + 1 < size)
		out[n++] = (char)tolower((unsigned char)*in++);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
}

/* s as a number: 0x.. in hex, else decimal; *hexv gets its digits read in
 * hex when they can be.  False when s is not a number. */
static bool
quiz_parse(const char *s, uint64_t *v, bool *hexok, uint64_t *hexv)
{
	char *end;

	*hexok = false;
	if (s[0] == '\0')
		return (false);
	if (s[0] == '0' && s[1] == 'x') {
		if (s[2] == '\0' || !isxdigit((unsigned char)s[2]))
			return (false);
		*v = strtoull(s + 2, &end, 16);
		return (*end == '\0');
	}
	*hexv = strtoull(s, &end, 16);
	*hexok = *end == '\0' && isxdigit((unsigned char)s[0]);
	if (!isdigit((unsigned char)s[0])) {
		*v = *hexv;
		return (*hexok);
	}
	*v = strtoull(s, &end, 10);
	if (*end != '\0') {
		*v = *hexv;
		return (*hexok);
	}
	return (true);
}

bool
quiz_check(const struct quiz_q *q, const char *answer, char *msg, size_t size)
{
	char a[64];
	uint64_t v = 0, hv = 0;
	bool right, hexok = false;

	quiz_clean(answer, a, sizeof a);
	if (q->num)
		right = quiz_parse(a, &v, &hexok, &hv) && (v == q->value ||
		    (q->hex && hexok && hv == q->value));
	else if (strcmp(q->answer, "yes") == 0 || strcmp(q->answer, "no") == 0)
		right = a[0] == q->answer[0] && (a[1] == '\0' ||
		    strcmp(a, q->answer) == 0);
	else
		right = strcmp(a, q->answer) == 0 || (q->alt[0] != '\0' &&
		    strcmp(a, q->alt) == 0);
	if (right)
		snprintf(msg, size, "right: %s", q->answer);
	else
		snprintf(msg, size, "not quite: the answer is %s, because %s",
		    q->answer, q->why);
	return (right);
}
