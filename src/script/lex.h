/*
 * lex.h - one line of the command language cut into words, and the
 * numbers, names and key=value options read out of those words.
 */
#ifndef VMSCOPE_LEX_H
#define VMSCOPE_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEX_LINE_MAX	4096	/* bytes in a line, its end not counted */
#define LEX_WORDS_MAX	(LEX_LINE_MAX / 2)	/* a byte and a blank each */
#define LEX_NAME_MAX	32	/* characters in a process or VM name */
#define LEX_QUOTE_MAX	64	/* bytes of a word quoted in a message */
#define LEX_QUOTE_SIZE	(4 * LEX_QUOTE_MAX + 8)	/* each byte may be \xNN;
						 * '...' and NUL */

/* An error of the script layer: what went wrong, and where. */
struct lex_err {
	unsigned col;		/* 1-based column; 0: the line as a whole */
	char msg[1024];
};

/* A word is a slice of the line: it is not NUL-terminated. */
struct lex_word {
	const char *s;
	size_t len;
	unsigned col;		/* 1-based column of its first byte */
	unsigned hicol;		/* column of its first byte >= 0x80, or 0 */
};

struct lex_line {
	const char *s;		/* the line, without its \n or trailing \r */
	size_t len;
	bool narrative;		/* a "> " line: no words, text is the line */
	const char *text;	/* narrative: the line from its '>' on, */
	size_t textlen;		/* trailing blanks trimmed */
	size_t end;		/* offset where the words stop: a comment's
				 * '#', or len */
	size_t nwords;
	struct lex_word w[LEX_WORDS_MAX];
};

int	lex_split(struct lex_line *, const char *, size_t, struct lex_err *);

int	lex_number(const struct lex_word *, uint64_t *, struct lex_err *);
/* A size in the largest unit that divides it: as the language writes it
 * ("4K", "1M", "2G", "256": lex_number reads it back), or for people
 * with human set ("4 KiB", "1 MiB", "2 GiB", "256 bytes"). */
void	lex_size_text(char *, size_t, uint64_t, bool human);
bool	lex_is_hex(const struct lex_word *);
bool	lex_is_number(const struct lex_word *);
int	lex_name(const struct lex_word *, struct lex_err *);
bool	lex_is_name(const char *, size_t);
int	lex_ascii(const struct lex_word *, struct lex_err *);
bool	lex_option(const struct lex_word *, struct lex_word *,
	    struct lex_word *);
bool	lex_eq(const struct lex_word *, const char *);

void	lex_quote(char *, size_t, const char *, size_t);
int	lex_error(struct lex_err *, unsigned, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 3, 4)))
#endif
	    ;
int	lex_prefix(struct lex_err *, const char *, ...)
#if defined(__GNUC__)
	    __attribute__((format(printf, 2, 3)))
#endif
	    ;
unsigned lex_distance(const char *, size_t, const char *);
unsigned lex_near(const char *, size_t, const char *);

#endif
