/*
 * test_lex.c - unit tests of the lexer: words and their columns,
 * comments, narrative lines, numbers in every base and with every
 * suffix, overflow, names, options, NUL and control bytes, and the
 * 4096-byte limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "script/lex.h"

static struct lex_line L;	/* big: not on the stack */

static void
split_ok(const char *s)
{
	struct lex_err e;

	if (lex_split(&L, s, strlen(s), &e) != 0)
		fail_msg("lex_split(\"%s\"): %u: %s", s, e.col, e.msg);
}

static void
split_err(const char *s, size_t len, unsigned col, const char *msg)
{
	struct lex_err e;

	memset(&e, 0, sizeof e);
	assert_int_equal(lex_split(&L, s, len, &e), -1);
	assert_int_equal(e.col, col);
	assert_string_equal(e.msg, msg);
}

static void
word_is(size_t i, const char *s, unsigned col)
{
	assert_true(i < L.nwords);
	assert_int_equal(L.w[i].len, strlen(s));
	assert_memory_equal(L.w[i].s, s, strlen(s));
	assert_int_equal(L.w[i].col, col);
}

static struct lex_word
word(const char *s)
{
	struct lex_word w;

	w.s = s;
	w.len = strlen(s);
	w.col = 7;
	w.hicol = 0;
	return w;
}

static uint64_t
num_ok(const char *s)
{
	struct lex_word w = word(s);
	struct lex_err e;
	uint64_t v = 0;

	if (lex_number(&w, &v, &e) != 0)
		fail_msg("lex_number(\"%s\"): %s", s, e.msg);
	return v;
}

/* The word is at column 7; col is where the error points. */
static void
num_err(const char *s, unsigned col, const char *msg)
{
	struct lex_word w = word(s);
	struct lex_err e;
	uint64_t v;

	memset(&e, 0, sizeof e);
	assert_int_equal(lex_number(&w, &v, &e), -1);
	assert_int_equal(e.col, col);
	assert_string_equal(e.msg, msg);
}

static void
test_words(void **state)
{
	(void)state;
	split_ok("map 0x1000  pages=2\tperm=r-x");
	assert_int_equal(L.nwords, 4);
	word_is(0, "map", 1);
	word_is(1, "0x1000", 5);
	word_is(2, "pages=2", 13);
	word_is(3, "perm=r-x", 21);
	assert_false(L.narrative);

	split_ok("   read   7   ");
	assert_int_equal(L.nwords, 2);
	word_is(0, "read", 4);
	word_is(1, "7", 11);

	split_ok("");
	assert_int_equal(L.nwords, 0);
	split_ok(" \t ");
	assert_int_equal(L.nwords, 0);
}

static void
test_comments(void **state)
{
	(void)state;
	split_ok("# a comment");
	assert_int_equal(L.nwords, 0);
	assert_int_equal(L.end, 0);

	split_ok("read 0x10   # why: a TLB miss");
	assert_int_equal(L.nwords, 2);
	word_is(1, "0x10", 6);
	assert_int_equal(L.end, 12);

	/* '#' inside a word is not a comment */
	split_ok("read a#b #c");
	assert_int_equal(L.nwords, 2);
	word_is(1, "a#b", 6);

	/* bytes >= 0x80 in a comment are fine */
	split_ok("read 1 # caf\xc3\xa9");
	assert_int_equal(L.nwords, 2);
	assert_int_equal(L.w[1].hicol, 0);
}

static void
test_crlf(void **state)
{
	(void)state;
	split_ok("read 5\r");
	assert_int_equal(L.nwords, 2);
	assert_int_equal(L.len, 6);
	word_is(1, "5", 6);
	split_err("read\r5", 6, 5, "carriage return (0x0d) inside a line; "
	    "only a line's end may have one");
}

static void
test_narrative(void **state)
{
	(void)state;
	split_ok("> The TLB misses.  ");
	assert_true(L.narrative);
	assert_int_equal(L.nwords, 0);
	assert_int_equal(L.textlen, strlen("> The TLB misses."));
	assert_memory_equal(L.text, "> The TLB misses.", L.textlen);

	split_ok(">");
	assert_true(L.narrative);
	assert_int_equal(L.textlen, 1);

	split_ok("> caf\xc3\xa9 # not a comment");
	assert_true(L.narrative);
	assert_int_equal(L.textlen, strlen("> caf\xc3\xa9 # not a comment"));

	/* no blank after '>': a word, which the parser refuses */
	split_ok(">x");
	assert_false(L.narrative);
	assert_int_equal(L.nwords, 1);
}

static void
test_bad_bytes(void **state)
{
	char buf[16];

	(void)state;
	memcpy(buf, "read \0x", 7);
	split_err(buf, 7, 6, "NUL byte (a command file is plain text)");
	split_err("read \001", 6, 6, "control character 0x01 (Ctrl-A); a "
	    "line holds printable text, blanks and tabs");
	split_err("> text\033[1m", 10, 7, "control character 0x1b (Ctrl-[); "
	    "a line holds printable text, blanks and tabs");
	split_err("a\177", 2, 2, "control character 0x7f (DEL); a line "
	    "holds printable text, blanks and tabs");
	split_ok("read\t1");
	assert_int_equal(L.nwords, 2);

	/* bytes >= 0x80 are the parser's to refuse outside text */
	split_ok("read caf\xc3\xa9");
	assert_int_equal(L.w[1].hicol, 9);
}

static void
test_line_limit(void **state)
{
	char *buf;
	struct lex_err e;
	size_t i;

	(void)state;
	buf = (char *)malloc(LEX_LINE_MAX + 2);
	assert_non_null(buf);
	memset(buf, 'x', LEX_LINE_MAX + 2);
	buf[0] = '#';
	assert_int_equal(lex_split(&L, buf, LEX_LINE_MAX, &e), 0);
	split_err(buf, LEX_LINE_MAX + 1, LEX_LINE_MAX + 1,
	    "line longer than 4096 bytes (a command is one line, with no "
	    "continuation)");
	buf[LEX_LINE_MAX] = '\r';	/* 4096 bytes and a CR: fine */
	assert_int_equal(lex_split(&L, buf, LEX_LINE_MAX + 1, &e), 0);

	/* the most words a line can hold */
	for (i = 0; i < LEX_LINE_MAX; i++)
		buf[i] = i % 2 == 0 ? 'a' : ' ';
	assert_int_equal(lex_split(&L, buf, LEX_LINE_MAX, &e), 0);
	assert_int_equal(L.nwords, LEX_WORDS_MAX);
	assert_int_equal(L.w[LEX_WORDS_MAX - 1].col, LEX_LINE_MAX - 1);
	free(buf);
}

static void
test_numbers(void **state)
{
	(void)state;
	assert_int_equal(num_ok("0"), 0);
	assert_int_equal(num_ok("42"), 42);
	assert_int_equal(num_ok("0x1f"), 0x1f);
	assert_int_equal(num_ok("0XAbC"), 0xabc);
	assert_int_equal(num_ok("0b101"), 5);
	assert_int_equal(num_ok("0B11"), 3);
	assert_int_equal(num_ok("4K"), 4096);
	assert_int_equal(num_ok("2M"), 2u << 20);
	assert_int_equal(num_ok("1G"), 1u << 30);
	assert_int_equal(num_ok("0x10K"), 16u << 10);
	assert_int_equal(num_ok("0b1M"), 1u << 20);
	assert_int_equal(num_ok("007"), 7);
	assert_true(num_ok("18446744073709551615") == UINT64_MAX);
	assert_true(num_ok("0xffffffffffffffff") == UINT64_MAX);
	assert_true(num_ok("16777215G") == (uint64_t)16777215 << 30);
	assert_true(num_ok("0b" "1111111111111111111111111111111111111111111111111111111111111111") == UINT64_MAX);

	num_err("18446744073709551616", 7,
	    "number too large: '18446744073709551616' does not fit "
	    "in 64 bits (at most 18446744073709551615 = "
	    "0xffffffffffffffff)");
	num_err("0x10000000000000000", 7,
	    "number too large: '0x10000000000000000' does not fit in "
	    "64 bits (at most 18446744073709551615 = "
	    "0xffffffffffffffff)");
	num_err("17179869184G", 7,
	    "number too large: '17179869184G' does not fit in 64 "
	    "bits (at most 18446744073709551615 = 0xffffffffffffffff)");
	num_err("16777216T", 15,
	    "expected a number, got '16777216T': 'T' is not a digit, "
	    "and a size ends in K, M or G");
	num_err("x", 7,
	    "expected a number, got 'x'");
	num_err("", 7,
	    "expected a number, got nothing");
	num_err("0x", 7,
	    "expected a number, got '0x': hex digits must follow 0x");
	num_err("0b", 7,
	    "expected a number, got '0b': binary digits must follow "
	    "0b");
	num_err("0b102", 11,
	    "expected a number, got '0b102': '2' is not a binary "
	    "digit");
	num_err("12a", 9,
	    "expected a number, got '12a': 'a' is not a decimal "
	    "digit (hex numbers start with 0x)");
	num_err("0xfg", 10,
	    "expected a number, got '0xfg': 'g' is not a hex digit");
	num_err("4k", 8,
	    "expected a number, got '4k': a size ends in K, M or G, "
	    "in capitals");
	num_err("K", 7,
	    "expected a number, got 'K': a size suffix needs digits "
	    "before it");
	num_err("4KK", 8,
	    "expected a number, got '4KK': a size suffix (K, M or G) "
	    "comes once, at the end");
	num_err("-1", 7,
	    "expected a number, got '-1': numbers here are never "
	    "negative");
	num_err("99999999999999999999x", 27,
	    "expected a number, got '99999999999999999999x': 'x' is "
	    "not a digit, and a size ends in K, M or G");

	assert_true(lex_is_hex(&(struct lex_word){ "0x10", 4, 1, 0 }));
	assert_false(lex_is_hex(&(struct lex_word){ "16", 2, 1, 0 }));
}

static void
test_names(void **state)
{
	struct lex_word w;
	struct lex_err e;

	(void)state;
	w = word("editor");
	assert_int_equal(lex_name(&w, &e), 0);
	w = word("a_b.c-9");
	assert_int_equal(lex_name(&w, &e), 0);
	w = word("abcdefghijklmnopqrstuvwxyzABCDEF");	/* 32 */
	assert_int_equal(lex_name(&w, &e), 0);

	w = word("abcdefghijklmnopqrstuvwxyzABCDEFG");	/* 33 */
	assert_int_equal(lex_name(&w, &e), -1);
	assert_int_equal(e.col, 7);
	assert_string_equal(e.msg, "name 'abcdefghijklmnopqrstuvwxyzABCDEFG' "
	    "is longer than 32 characters");
	w = word("9lives");
	assert_int_equal(lex_name(&w, &e), -1);
	assert_string_equal(e.msg, "expected a name (a letter, then letters, "
	    "digits, '_', '.' or '-'), got '9lives'");
	w = word("a/b");
	assert_int_equal(lex_name(&w, &e), -1);
	assert_int_equal(e.col, 8);	/* at the '/' */
	assert_string_equal(e.msg, "expected a name (a letter, then letters, "
	    "digits, '_', '.' or '-'), got 'a/b': '/' cannot be in a name");
	w = word("_a");
	assert_int_equal(lex_name(&w, &e), -1);
	assert_false(lex_is_name("", 0));
	assert_true(lex_is_name("x", 1));
}

static void
test_options(void **state)
{
	struct lex_word k, v;

	(void)state;
	split_ok("map 0 pages=2 user a=b=c x=");
	assert_true(lex_option(&L.w[2], &k, &v));
	assert_int_equal(k.len, 5);
	assert_memory_equal(k.s, "pages", 5);
	assert_int_equal(k.col, 7);
	assert_int_equal(v.len, 1);
	assert_int_equal(v.col, 13);
	assert_false(lex_option(&L.w[3], &k, &v));
	assert_true(lex_option(&L.w[4], &k, &v));
	assert_int_equal(k.len, 1);
	assert_int_equal(v.len, 3);		/* "b=c" */
	assert_true(lex_option(&L.w[5], &k, &v));
	assert_int_equal(v.len, 0);
	assert_true(lex_eq(&L.w[3], "user"));
	assert_false(lex_eq(&L.w[3], "use"));
}

static void
test_ascii(void **state)
{
	struct lex_err e;

	(void)state;
	split_ok("read x\xc3\xa9");
	assert_int_equal(lex_ascii(&L.w[0], &e), 0);
	assert_int_equal(lex_ascii(&L.w[1], &e), -1);
	assert_int_equal(e.col, 7);
	assert_string_equal(e.msg, "non-ASCII byte 0xc3: only narrative text "
	    "and ask's TEXT may use it; names, numbers and words are ASCII");
}

static void
test_quote(void **state)
{
	char buf[LEX_QUOTE_SIZE], in[100];

	(void)state;
	lex_quote(buf, sizeof buf, "abc", 3);
	assert_string_equal(buf, "'abc'");
	memset(in, 'y', sizeof in);
	lex_quote(buf, sizeof buf, in, sizeof in);
	assert_int_equal(strlen(buf), LEX_QUOTE_MAX + 5);
	assert_memory_equal(buf + LEX_QUOTE_MAX + 1, "...'", 4);

	/* Bytes that are not printable ASCII cannot garble a terminal. */
	lex_quote(buf, sizeof buf, "a\033[1m\xff", 6);
	assert_string_equal(buf, "'a\\x1b[1m\\xff'");
	memset(in, 0xff, sizeof in);
	lex_quote(buf, sizeof buf, in, sizeof in);
	assert_int_equal(strlen(buf), 4 * LEX_QUOTE_MAX + 5);
}

static void
test_distance(void **state)
{
	(void)state;
	assert_int_equal(lex_distance("map", 3, "map"), 0);
	assert_int_equal(lex_distance("mapp", 4, "map"), 1);
	assert_int_equal(lex_distance("raed", 4, "read"), 1);	/* a swap */
	assert_int_equal(lex_distance("frame", 5, "frames"), 1);
	assert_int_equal(lex_distance("", 0, "pa"), 2);
	assert_true(lex_distance("bogus", 5, "map") > 2);
	assert_int_equal(lex_near("mapp", 4, "map"), 1);
	assert_int_equal(lex_near("a", 1, "map"), UINT32_MAX);
	assert_int_equal(lex_near("vb", 2, "va"), UINT32_MAX);
	assert_int_equal(lex_near("shwo", 4, "show"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_narrative),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_line_limit),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
