#!/bin/sh
# mk/diagnostics.sh [--check] - make the table of bad inputs in
# man/tpipe.7's DIAGNOSTICS section from the fault suite's tables,
# test/faults-list.tsv (the faults) and test/faults.tsv (the tools, with
# what each does where the tools differ, the options with which each
# holds a record in memory, and the faults that do not apply to it).  The table goes between the page's two ".\" table:" comment
# lines.  With --check the page is left alone, and the exit status is 1
# (with a diff) if its table is not what the suite's tables make.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
page=$top/man/tpipe.7
begin='.\" table: made by mk/diagnostics.sh from test/faults-list.tsv and test/faults.tsv'
end='.\" table: end'

# The mdoc text of the table.
table() {
	awk -F'\t' '
	function sentences(s) {		# one sentence a line, as mdoc wants
		gsub(/\. +/, ".\n", s)
		gsub(/; /, ";\n", s)
		return s
	}
	function says(kind, words, t) {	# what a tool does, from its field
		t = kind
		sub(/:.*/, "", t)
		if (t == "pass") t = (f == "zero" ? "accepted (exit 0)" : "passed through")
		else if (t == "count") t = "counted"
		else if (t == "refuse") t = words
		else if (t == "stream") t = "streams through in constant memory (exit 0)"
		if (kind ~ /: /) {
			sub(/^[^:]*: /, "", kind)
			t = t ": " kind
		}
		return t
	}
	FNR == 1 { file++ }
	/^#/ || NF == 0 || $1 == "fault" || $1 == "tool" { next }
	file == 1 { nf++; id[nf] = $1; input[nf] = $2; outcome[nf] = $3; next }
	{	# a tool of more rows than one: each after the first
		# is named by its arguments too ("tcat -O tiff")
		t = seen[$1]++ ? $1 " " $2 : $1
		nt++; tool[nt] = t; prog[t] = $1; args[t] = $2
		nan[t] = $5; zero[t] = $6; alloc[t] = $7; held[t] = $9
		if ($4 ~ /^first-dtype/) firstdt[t] = 1
		n = split($10, na, ";")
		for (i = 1; i <= n; i++) {
			if (na[i] == "-") continue
			f = na[i]; sub(/=.*/, "", f)
			why = na[i]; sub(/^[^=]*=/, "", why)
			notfor[f] = notfor[f] (notfor[f] == "" ? "" : "\n") t "\t" why
		}
	}
	END {
		print ".Bl -tag -width Ds"
		for (i = 1; i <= nf; i++) {
			f = id[i]
			print ".It " input[i]
			print sentences(outcome[i])
			if (f == "nan" || f == "zero" || f == "alloc") {
				print ".Bl -tag -width treshape -compact"
				for (j = 1; j <= nt; j++) {
					t = tool[j]
					if (("\n" notfor[f]) ~ ("\n" t "\t")) continue
					if (f == "nan")
						w = says(nan[t], "refused: exit 1, naming the index of the first NaN or infinity")
					else if (f == "zero")
						w = says(zero[t], "refused: exit 1, naming the shape")
					else
						w = says(alloc[t], "exit 1, naming the size it could not allocate")
					print ".It " t
					print w
				}
				print ".El"
			}
			if (f == "huge") {	# each held option set, as typed
				print ".Bl -tag -width treshape -compact"
				for (j = 1; j <= nt; j++) {
					t = tool[j]
					if (held[t] == "-") continue
					print ".It " t
					n = split(held[t], sets, ";")
					for (k = 1; k <= n; k++)
						print ".Ql \"" sets[k] "\"" (k < n ? " ," : "")
				}
				print ".El"
			}
			for (j = 1; j <= nt && f == "mixed"; j++)
				if (firstdt[tool[j]]) {
					print "For"
					print ".Xr " prog[tool[j]] " 1"
					print "the first record decides the dtype of every output."
				}
			if (notfor[f] != "") {
				n = split(notfor[f], lines, "\n")
				for (j = 1; j <= n; j++) {
					split(lines[j], p, "\t")
					print "Not for"
					if (p[1] == prog[p[1]])
						print ".Xr " p[1] " 1 :"
					else {
						print ".Xr " prog[p[1]] " 1"
						print ".Ql " args[p[1]] " :"
					}
					print p[2] "."
				}
			}
		}
		print ".El"
	}' "$top/test/faults-list.tsv" "$top/test/faults.tsv"
}

# The page with its table replaced by what table() makes.
new_page() {
	table > "$tmp.table"
	BEGIN_MARK=$begin END_MARK=$end awk -v tf="$tmp.table" '
	BEGIN { begin = ENVIRON["BEGIN_MARK"]; end = ENVIRON["END_MARK"] }
	$0 == begin { print; while ((getline l < tf) > 0) print l; skip = 1; found++; next }
	$0 == end { skip = 0 }
	!skip { print }
	END { if (found != 1) { print "no table markers in the page" > "/dev/stderr"; exit 1 } }
	' "$page"
}

tmp=$(mktemp)
trap 'rm -f "$tmp" "$tmp.table"' EXIT
new_page > "$tmp"
if [ "${1:-}" = --check ]; then
	if ! cmp -s "$tmp" "$page"; then
		echo "man/tpipe.7's DIAGNOSTICS table differs from the fault suite's tables; run mk/diagnostics.sh:"
		diff "$page" "$tmp" || true
		exit 1
	fi
	exit 0
fi
cat "$tmp" > "$page"
