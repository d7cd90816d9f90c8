#!/bin/sh
# keys.sh - every key of the screen's key table (src/ui/ui.c, ui_keys)
# has its entry in the KEYS section of man/vmscope.1.
keys=$(sed -n '/^} ui_keys\[\] = {/,/{ NULL, NULL }/p' src/ui/ui.c |
    sed -n 's/^	{ "\([^"]*\)",.*/\1/p')
[ -n "$keys" ] || { echo "keys.sh: no key table found in src/ui/ui.c"; exit 1; }
section=$(sed -n '/^\.Sh KEYS/,/^\.Sh /p' man/vmscope.1)
bad=0
for k in $keys; do
	echo "$section" | grep -q "Sy $k\\b" || {
		echo "keys.sh: man/vmscope.1 KEYS lacks '$k'"
		bad=1
	}
done
exit $bad
