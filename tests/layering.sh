#!/usr/bin/env bash
# layering.sh - the core and the command language stay free of the terminal.
#
# Fails when
#   - a file under src/core or src/script includes a curses, ncurses, panel
#     or readline header;
#   - a file under src/core calls printf, fprintf, vprintf, vfprintf, puts,
#     fputs, perror, exit, _Exit, fopen or freopen (snprintf and vsnprintf
#     are fine: formatting into a buffer is not I/O; calls through a struct
#     member, like ops->exit(m), are not flagged);
#   - src/core includes a header of an outer layer (script/, ui/, out/, io/),
#     or src/script one of ui/.
# Calls are looked for outside comments and string literals. Only C files
# (*.c, *.h, *.inc, *.def) are read; a missing directory is skipped.
#
# Usage: tests/layering.sh   (from anywhere; it checks its own tree)

set -u
cd "$(dirname "$0")/.." || exit 2

files_in() {
	[ -d "$1" ] || return 0
	find "$1" -type f \( -name '*.c' -o -name '*.h' -o -name '*.inc' \
		-o -name '*.def' \) | LC_ALL=C sort
}

mapfile -t core < <(files_in src/core)
mapfile -t script < <(files_in src/script)
problems=0

# report REASON < lines "FILE:LINE:TEXT" (grep -Hn or the awk below)
report() {
	local file line text
	while IFS=: read -r file line text; do
		printf 'layering: %s:%s: %s: %s\n' "$file" "$line" "$1" \
			"${text#"${text%%[![:space:]]*}"}"
		problems=$((problems + 1))
	done
}

include_re='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]'

if [ $((${#core[@]} + ${#script[@]})) -gt 0 ]; then
	report "includes a terminal header (curses/panel/readline)" < <(
		grep -HnE "${include_re}[^>\"]*(curses|panel\\.h|readline)" \
			"${core[@]}" "${script[@]}")
fi

if [ ${#core[@]} -gt 0 ]; then
	report "the core includes an outer layer's header" < <(
		grep -HnE "${include_re}(\\.\\./)*(script|ui|out|io)/" "${core[@]}")

	# Blank out comments and string/char literals (keeping line numbers),
	# then look for the forbidden calls.
	report "the core does no I/O and never exits (use snprintf, return an error)" < <(
		awk '
		FNR == 1 { inblock = 0 }
		{
			s = $0; out = ""; n = length(s); i = 1
			while (i <= n) {
				c = substr(s, i, 1); c2 = substr(s, i, 2)
				if (inblock) {
					if (c2 == "*/") { inblock = 0; out = out "  "; i += 2 }
					else { out = out " "; i++ }
					continue
				}
				if (c2 == "/*") { inblock = 1; out = out "  "; i += 2; continue }
				if (c2 == "//") break
				if (c == "\"" || c == "\047") {
					q = c; out = out q; i++
					while (i <= n && substr(s, i, 1) != q) {
						out = out (substr(s, i, 1) == "\\" ? "  " : " ")
						i += (substr(s, i, 1) == "\\" ? 2 : 1)
					}
					out = out q; i++
					continue
				}
				out = out c; i++
			}
			if (out ~ /(^|[^A-Za-z0-9_.>])(printf|fprintf|vprintf|vfprintf|puts|fputs|perror|exit|_Exit|fopen|freopen)[ \t]*\(/)
				print FILENAME ":" FNR ":" $0
		}' "${core[@]}")
fi

if [ ${#script[@]} -gt 0 ]; then
	report "the command language includes a screen header (ui/)" < <(
		grep -HnE "${include_re}(\\.\\./)*ui/" "${script[@]}")
fi

total=$((${#core[@]} + ${#script[@]}))
if [ "$problems" -gt 0 ]; then
	echo "layering: $problems problem(s) in $total files"
	exit 1
fi
echo "layering: $total files clean"
