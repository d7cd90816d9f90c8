/*
 * cmd.h - the commands of the language: one table that the runner, help,
 * completion and the manual's test all read.
 */
#ifndef VMSCOPE_CMD_H
#define VMSCOPE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "core/engine.h"
#include "keys.h"
#include "lex.h"

struct session;
struct cmd_parsed;

/* Command flags. */
#define CMD_OP		0x01u	/* builds a struct op for engine_submit */
#define CMD_ACCESS	0x02u	/* one memory access: a place in the future */
#define CMD_ECHO	0x04u	/* a batch transcript shows the line */
#define CMD_WRITES	0x08u	/* writes a file */
#define CMD_PLAYER	0x10u	/* moves along the timeline */
#define CMD_TEXT	0x20u	/* the words after the first argument are
				 * TEXT, the rest of the line */

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* the arguments, as in the manual */
	const char	*help;		/* one line */
	unsigned	 flags;		/* CMD_* */
	int		(*parse)(const struct cmd_entry *,
			    const struct lex_line *, struct cmd_parsed *,
			    struct lex_err *);
	int		(*exec)(struct session *, const struct cmd_parsed *);
};

extern const struct cmd_entry cmd_table[];	/* name NULL ends it */

enum cmd_kind {
	CMDK_EMPTY,		/* blank or comment */
	CMDK_NARRATIVE,		/* a "> " line */
	CMDK_COMMAND
};

enum cmd_cmp { CMP_NONE, CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

#define CMD_ARGS_MAX	16
#define CMD_POKE_MAX	(LEX_LINE_MAX / 2)
#define CMD_QNAME_MAX	64
#define CMD_PEEK_MAX	4096
#define CMD_PLAY_MAX	10000	/* play DELAY: milliseconds */

/* An argument given, and where: the column an error about it points at
 * (struct verr's arg names it: "va", "pages", "perm", "name"...). */
struct cmd_argcol {
	const char	*name;
	unsigned	 col;
};

/* One line, parsed: everything its exec needs.  Slices point into the
 * line, which must outlive the exec. */
struct cmd_parsed {
	enum cmd_kind	 kind;
	const struct cmd_entry *entry;
	unsigned	 col;		/* of the command word */
	const char	*echo;		/* the line, blanks trimmed */
	size_t		 echolen;
	const char	*text;		/* narrative line; ask TEXT */
	size_t		 textlen;

	struct op	 op;		/* CMD_OP commands */
	uint8_t		 bytes[CMD_POKE_MAX];
	struct mconfig	 mcfg;		/* machine */
	unsigned	 keycol[KEYS_MAX];
	struct cmd_argcol args[CMD_ARGS_MAX];
	size_t		 nargs;

	uint64_t	 n;		/* step, back, peek, play */
	bool		 has_n;
	char		 name[CMD_QNAME_MAX + 1]; /* expect/ask NAME, show,
						   * help COMMAND */
	unsigned	 namecol;
	enum cmd_cmp	 cmp;		/* expect: CMP_NONE if no OP */
	bool		 isword;	/* expect VALUE is a word */
	bool		 hex;		/* ... or a number written in hex */
	uint64_t	 num;
	char		 word[LEX_NAME_MAX + 1];
	const char	*value;		/* as written */
	size_t		 valuelen;
	char		 path[LEX_LINE_MAX + 1];	/* load, save */
};

const struct cmd_entry *cmd_find(const char *, size_t);
int	cmd_parse(const struct lex_line *, struct cmd_parsed *,
	    struct lex_err *);
int	cmd_exec(struct session *, const struct cmd_parsed *);
unsigned cmd_argcol(const struct cmd_parsed *, const char *);
const char *cmd_cmp_name(enum cmd_cmp);
/* Whether the values of expect NAME read best in hex (addresses). */
bool	cmd_name_is_hex(const char *name);
/* For a command whose words after its name are kept as one text, read
 * again when it runs (generate, trace): "NAME: missing WHAT" without
 * them, else they go into p->path and their column into p->namecol.
 * 0, or -1 with e set. */
int	cmd_keep_rest(const struct cmd_entry *, const struct lex_line *,
	    const char *what, struct cmd_parsed *, struct lex_err *);

#endif
