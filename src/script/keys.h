/*
 * keys.h - the keys of the machine command: machine KEY=VALUE ...
 */
#ifndef VMSCOPE_KEYS_H
#define VMSCOPE_KEYS_H

#include <stddef.h>

#include "core/config.h"
#include "lex.h"

#define KEYS_MAX 32		/* room for every key of key_table */

struct key_entry {
	const char *name;
	const char *values;	/* what it takes, for help: "BITS" ... */
	const char *help;	/* one line */
	int	(*set)(const struct key_entry *, struct mconfig *,
		    const struct lex_word *, struct lex_err *);
	unsigned which;		/* cost keys: enum cost_kind */
};

extern const struct key_entry key_table[];	/* name NULL ends it */

const struct key_entry *key_find(const char *, size_t);
size_t	key_index(const struct key_entry *);
void	key_list(char *, size_t);
int	key_machine(const struct lex_word *, size_t, unsigned,
	    struct mconfig *, unsigned *, struct lex_err *);

#endif
