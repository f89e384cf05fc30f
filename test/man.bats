#!/usr/bin/env bats
# The EXAMPLES of every man page work: each `$ command` line inside a
# .Bd -literal block of the EXAMPLES section runs with
# `bash -o pipefail -c`, and must exit 0 (or 141: an upstream tool ended
# quietly by SIGPIPE, as `| head` examples show), printing (stdout and
# stderr together) exactly the lines the page shows under it (trailing
# blanks aside).  The
# commands of one block run in order in one fresh empty directory, so a
# block may make the files its later lines use; blocks do not share files.

load helpers

FOUNDATION_PAGES="tcat.1 tinfo.1 tgen.1 tpipe.7"

setup_file() {
	local plan=$BATS_FILE_TMPDIR/plan res=$BATS_FILE_TMPDIR/res
	mkdir -p "$plan" "$res"
	# Extract the examples: plan/PAGE/bNN/NNN.cmd, .out (expected), .line
	"$PY" - "$TPIPE_TOP/man" "$plan" <<'EOF'
import glob, os, re, sys
man, plan = sys.argv[1:3]
ESC = {'e': '\\', '\\': '\\', '-': '-', '&': '', ' ': ' ', '(aq': "'", '(dq': '"',
       '(ga': '`', '(ti': '~', '(ha': '^', '(rs': '\\', '(mu': '\u00d7',
       '(em': '\u2014', '(en': '\u2013', '[aq]': "'", '[dq]': '"',
       '(*S': '\u03a3', '(pc': '\u00b7', '(pd': '\u2202'}

def glyph(m):
    name = m.group(1)
    if re.fullmatch(r'\[u[0-9A-F]{4,6}\]', name):    # \[u2299]: a code point
        return chr(int(name[2:-1], 16))
    return ESC.get(name, m.group(0))

def unescape(s):
    return re.sub(r'\\(\(..|\[[^]]*\]|.)', glyph, s)

for page in sorted(glob.glob(os.path.join(man, '*.[17]'))):
    name = os.path.basename(page)
    section, block, inblock, cmd = None, 0, False, None
    lines = open(page, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        line, lineno = lines[i], i + 1
        i += 1
        if line.startswith('.Sh '):
            section = line[4:].strip()
            continue
        if section != 'EXAMPLES':
            continue
        if line.startswith('.Bd') and '-literal' in line:
            inblock, block, n = True, block + 1, 0
            continue
        if line.startswith('.Ed'):
            inblock = False
            continue
        if not inblock or line.startswith(('.', "'")):
            continue
        text = unescape(line)
        if text.lstrip().startswith('$ '):
            n += 1
            cmd = text.lstrip()[2:]
            while cmd.endswith('\\') and i < len(lines):
                cmd += '\n' + unescape(lines[i])
                i += 1
            d = os.path.join(plan, name, f'b{block:02d}')
            os.makedirs(d, exist_ok=True)
            base = os.path.join(d, f'{n:03d}')
            open(base + '.cmd', 'w').write(cmd + '\n')
            open(base + '.line', 'w').write(f'{lineno}\n')
            open(base + '.out', 'w').close()
        elif cmd is not None:
            with open(base + '.out', 'a') as f:
                f.write(text + '\n')
EOF
	# Run them: res/PAGE/bNN/NNN.status and .got
	local blk c d out st
	for blk in "$plan"/*/b*; do
		[ -d "$blk" ] || continue
		out=$res/${blk#"$plan"/}
		mkdir -p "$out"
		d=$(mktemp -d "$BATS_FILE_TMPDIR/run.XXXXXX")
		for c in "$blk"/*.cmd; do
			st=0
			(cd "$d" && PATH="$TPIPE_BIN:/usr/bin:/bin:$PATH" \
			    bounded bash -o pipefail -c "$(cat "$c")" \
			    < /dev/null > "$out/$(basename "$c" .cmd).got" 2>&1) ||
				st=$?
			echo "$st" > "$out/$(basename "$c" .cmd).status"
		done
		rm -rf "$d"
	done
}

# examples_run PAGE...: every example command of the pages exited 0 (or
# 141); fails listing page:line, command, status and output of each one
# that did not.
examples_run() {
	local page c base st bad='' n=0
	for page in "$@"; do
		for c in "$BATS_FILE_TMPDIR/plan/$page"/b*/*.cmd; do
			[ -f "$c" ] || continue
			n=$((n + 1))
			base=${c%.cmd}
			st=$(cat "$BATS_FILE_TMPDIR/res/${base#"$BATS_FILE_TMPDIR/plan/"}.status")
			if [ "$st" -ne 0 ] && [ "$st" -ne 141 ]; then
				bad+="$page:$(cat "$base.line"): \$ $(cat "$c")"$'\n'
				bad+="    exit $st: $(head -c 400 "$BATS_FILE_TMPDIR/res/${base#"$BATS_FILE_TMPDIR/plan/"}.got")"$'\n'
			fi
		done
	done
	[ -z "$bad" ] || fail "$bad"
	[ "$n" -gt 0 ]
}

# examples_print PAGE...: every example command printed the lines the
# page shows under it; fails with a diff for each one that did not.
examples_print() {
	local page c base got bad=''
	for page in "$@"; do
		for c in "$BATS_FILE_TMPDIR/plan/$page"/b*/*.cmd; do
			[ -f "$c" ] || continue
			base=${c%.cmd}
			got=$BATS_FILE_TMPDIR/res/${base#"$BATS_FILE_TMPDIR/plan/"}.got
			# a page cannot show trailing blanks (NPY header padding)
			if ! diff -Z "$base.out" "$got" > /dev/null; then
				bad+="$page:$(cat "$base.line"): \$ $(cat "$c")"$'\n'
				bad+="$(diff -Z "$base.out" "$got" | head -n 12 | sed 's/^/    /')"$'\n'
			fi
		done
	done
	[ -z "$bad" ] || fail "$bad"
}

# has_examples PAGE: the page exists and shows at least one command.
has_examples() {
	[ -f "$TPIPE_TOP/man/$1" ] || fail "man/$1 is missing"
	compgen -G "$BATS_FILE_TMPDIR/plan/$1/b*/*.cmd" > /dev/null ||
		fail "man/$1 has no EXAMPLES commands (\$ lines in .Bd -literal)"
}

other_pages() {
	local p
	for p in "$TPIPE_TOP"/man/*.[17]; do
		p=$(basename "$p")
		[[ " $FOUNDATION_PAGES " == *" $p "* ]] || echo "$p"
	done
}

@test "tcat.1, tinfo.1, tgen.1 and tpipe.7 exist and have EXAMPLES" {
	for p in $FOUNDATION_PAGES; do has_examples "$p"; done
}

@test "man pages are clean under mandoc -Tlint" {
	run mandoc -Tlint -W warning "$TPIPE_TOP"/man/*.[17]
	[ "$status" -eq 0 ] || fail "$output"
}

# groff is what man(1) renders with on Debian; mandoc is the reference
# for what a page says.  Every page must render without a groff warning
# at man's 80 columns (-ww: among them "can't break line", which a table
# wider than the line or an unbreakable word gives), and to the same text
# as mandoc: the same characters in the same order, whitespace, the
# header and footer lines and groff's hyphenation aside.
@test "man pages are clean under groff -ww at 80 columns" {
	local p bad=''
	for p in "$TPIPE_TOP"/man/*.[17]; do
		run groff -mandoc -Tutf8 -ww -z "$p"
		[ -z "$output" ] && [ "$status" -eq 0 ] ||
			bad+="${p##*/}: exit $status"$'\n'"$output"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "groff renders every man page to the same text as mandoc" {
	run "$PY" - "$TPIPE_TOP"/man/*.[17] <<'EOF'
import re, subprocess, sys

def text(cmd):
    t = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    t = re.sub('.\b', '', t)                        # bold and underline
    lines = [l for l in t.split('\n') if l.strip()]
    t = '\n'.join(lines[1:-1])                      # header and footer
    t = re.sub('\u2010\n\\s*', '', t)               # groff's hyphenation
    t = t.replace('\u2014', '\u2013')               # the dash after NAME
    return ''.join(t.split())

bad = 0
for page in sys.argv[1:]:
    g = text(['groff', '-mandoc', '-Tutf8', '-P-cbou', page])
    m = text(['mandoc', '-Tutf8', page])
    if g != m:
        i = next((k for k, (a, b) in enumerate(zip(g, m)) if a != b),
                 min(len(g), len(m)))
        print(f'{page}: mandoc: ...{m[max(0, i - 40):i + 40]}...')
        print(f'{page}: groff:  ...{g[max(0, i - 40):i + 40]}...')
        bad = 1
sys.exit(bad)
EOF
	[ "$status" -eq 0 ] || fail "$output"
}

@test "tcat.1 EXAMPLES run" {
	has_examples tcat.1
	examples_run tcat.1
}
@test "tcat.1 EXAMPLES print what the page shows" {
	examples_print tcat.1
}
@test "tinfo.1 EXAMPLES run" {
	has_examples tinfo.1
	examples_run tinfo.1
}
@test "tinfo.1 EXAMPLES print what the page shows" {
	examples_print tinfo.1
}
@test "tgen.1 EXAMPLES run" {
	has_examples tgen.1
	examples_run tgen.1
}
@test "tgen.1 EXAMPLES print what the page shows" {
	examples_print tgen.1
}
@test "tpipe.7 EXAMPLES run" {
	has_examples tpipe.7
	examples_run tpipe.7
}
@test "tpipe.7 EXAMPLES print what the page shows" {
	examples_print tpipe.7
}
@test "the other man pages' EXAMPLES run and print what they show" {
	local pages
	pages=$(other_pages)
	[ -n "$pages" ] || skip "no other man pages yet"
	# shellcheck disable=SC2086
	examples_run $pages
	# shellcheck disable=SC2086
	examples_print $pages
}
