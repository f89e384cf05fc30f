#!/usr/bin/env bats
# README.md's command blocks work as pasted.  Every code block of the
# README is fenced, ```sh (commands) or ```text (anything else); an
# indented block is an error, so that no command hides from this test.
# The tour's setup block (the one that does `cd build/demo`) runs first,
# from the top of a scratch clone whose build/bin and build/completion are
# the tree under test, with `make demo` standing for what that target
# does on a built tree (mk/demo.sh; DEMO_DIR puts its files in the
# clone).  Then every other ```sh block runs on its own, in a fresh copy
# of the demo's directory with the PATH the setup block left, under
# `bash -e -o pipefail`: it must exit 0, or N when its first line is
# `# exits N: why`.  A block whose first line is `# not run: why` is not
# run; there are exactly NOT_RUN of them (other machines, and make check
# itself).

load helpers

NOT_RUN=3

setup_file() {
	local plan=$BATS_FILE_TMPDIR/plan clone=$BATS_FILE_TMPDIR/clone
	local b base build st
	mkdir -p "$plan" "$clone/build"
	# plan/NN.sh (the block), NN.kind (setup, run, exit N or notrun),
	# NN.line (its first line in README.md); plan/errors
	"$PY" - "$TPIPE_TOP/README.md" "$plan" <<'EOF'
import os, re, sys
readme, plan = sys.argv[1:3]
lines = open(readme, encoding='utf-8').read().split('\n')
errors, n, i, prev = [], 0, 0, ''
while i < len(lines):
    line = lines[i]
    i += 1
    fence = re.match(r'```(.*)$', line)
    if not fence:
        if re.match(r'( {4}|\t)\S', line) and prev.strip() == '':
            errors.append(f'README.md:{i}: an indented code block: fence it as ```sh or ```text')
        prev = line
        continue
    lang, start, body = fence.group(1).strip(), i, []
    while i < len(lines) and lines[i] != '```':
        body.append(lines[i])
        i += 1
    i += 1
    prev = ''
    if i > len(lines):
        errors.append(f'README.md:{start}: a code block that never ends')
    if lang == 'text':
        continue
    if lang != 'sh':
        errors.append(f'README.md:{start}: a code block marked "{lang}": use ```sh or ```text')
        continue
    n += 1
    first = body[0] if body else ''
    m = re.match(r'# exits (\d+): \S', first)
    if first.startswith('# not run: '):
        kind = 'notrun'
    elif m:
        kind = 'exit ' + m.group(1)
    elif first.startswith('# ') and re.match(r'# (not run|exits)\b', first):
        errors.append(f'README.md:{start + 1}: a marker is "# not run: why" or "# exits N: why"')
        continue
    elif any(re.match(r'cd build/demo(\s|$)', l) for l in body):
        kind = 'setup'
    else:
        kind = 'run'
    base = os.path.join(plan, f'{n:02d}')
    open(base + '.sh', 'w').write('\n'.join(body) + '\n')
    open(base + '.kind', 'w').write(kind + '\n')
    open(base + '.line', 'w').write(f'{start}\n')
open(os.path.join(plan, 'errors'), 'w').write(''.join(e + '\n' for e in errors))
EOF
	# The scratch clone: the tools and completions under test
	ln -s "$TPIPE_BIN" "$clone/build/bin"
	ln -s "$(dirname "$TPIPE_BIN")/completion" "$clone/build/completion"
	ln -s "$TPIPE_TOP/examples" "$clone/examples"
	build=$(basename "$(dirname "$TPIPE_BIN")")
	for b in "$plan"/*.sh; do
		[ "$(cat "${b%.sh}.kind")" = setup ] || continue
		st=0
		(cd "$clone" && PATH="/usr/bin:/bin:$PATH" BUILD="$build" \
		    DEMO_DIR="$clone/build/demo" timeout 120 bash -e -o pipefail -c "
make() { [ \"\$*\" = demo ] && \"$TPIPE_TOP/mk/demo.sh\" > demo.log; }
$(cat "$b")
{ pwd; echo \"\$PATH\"; } > \"$BATS_FILE_TMPDIR/state\"" \
		    < /dev/null > "${b%.sh}.got" 2>&1) || st=$?
		echo "$st" > "${b%.sh}.status"
	done
	[ -f "$BATS_FILE_TMPDIR/state" ] || return 0
	local dir path
	dir=$(sed -n 1p "$BATS_FILE_TMPDIR/state")
	path=$(sed -n 2p "$BATS_FILE_TMPDIR/state")
	for b in "$plan"/*.sh; do
		case $(cat "${b%.sh}.kind") in
		run|exit*) ;;
		*) continue ;;
		esac
		base=$(basename "$b" .sh)
		rm -rf "$dir-$base"
		cp -r "$dir" "$dir-$base"
		st=0
		(cd "$dir-$base" && PATH="$path" timeout 120 bash -e -o pipefail \
		    -c "$(cat "$b")" < /dev/null > "${b%.sh}.got" 2>&1) || st=$?
		echo "$st" > "${b%.sh}.status"
		rm -rf "$dir-$base"
	done
}

# blocks KIND: the plan's blocks of that kind (a prefix: "exit"), one
# path a line.
blocks() {
	local b
	for b in "$BATS_FILE_TMPDIR"/plan/*.sh; do
		[ -f "$b" ] || continue
		[[ $(cat "${b%.sh}.kind") == "$1"* ]] && echo "$b"
	done
	return 0
}

@test "README.md's code blocks are fenced as sh or text, none indented" {
	[ ! -s "$BATS_FILE_TMPDIR/plan/errors" ] || fail "$(cat "$BATS_FILE_TMPDIR/plan/errors")"
	[ "$(blocks run | wc -l)" -ge 10 ] || fail "only $(blocks run | wc -l) blocks to run"
}

@test "the tour's setup block makes the demo, puts the tools on PATH and enters build/demo" {
	local b
	b=$(blocks setup)
	[ "$(wc -l <<< "$b")" -eq 1 ] && [ -n "$b" ] || fail "setup blocks: ${b:-none}"
	[ "$(cat "${b%.sh}.status")" -eq 0 ] ||
		fail "README.md:$(cat "${b%.sh}.line"): exit $(cat "${b%.sh}.status"): $(cat "${b%.sh}.got")"
	[ "$(sed -n 1p "$BATS_FILE_TMPDIR/state")" = "$BATS_FILE_TMPDIR/clone/build/demo" ] ||
		fail "it ends in $(sed -n 1p "$BATS_FILE_TMPDIR/state")"
	[ "$(command -v tcat)" = "$TPIPE_BIN/tcat" ]
	[ "$(PATH=$(sed -n 2p "$BATS_FILE_TMPDIR/state") command -v tcat)" = \
	    "$BATS_FILE_TMPDIR/clone/build/bin/tcat" ]
}

@test "every other sh block of README.md runs in build/demo as pasted" {
	local b st want bad=''
	for b in $(blocks run) $(blocks exit); do
		want=0
		[[ $(cat "${b%.sh}.kind") == exit* ]] && want=$(cut -d' ' -f2 "${b%.sh}.kind")
		st=$(cat "${b%.sh}.status" 2> /dev/null || echo 'not run: the setup failed')
		if [ "$st" != "$want" ]; then
			bad+="README.md:$(cat "${b%.sh}.line"): exit $st, expected $want:"$'\n'
			bad+="$(sed 's/^/    /' "$b")"$'\n'
			bad+="$(tail -n 8 "${b%.sh}.got" 2> /dev/null | sed 's/^/  | /')"$'\n'
		fi
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "a block that shows an error says so, and fails as it says" {
	local b
	[ -n "$(blocks exit)" ] || fail "no '# exits N' block"
	for b in $(blocks exit); do
		# one message on stderr, naming the tool
		grep -q '^t[a-z]*: ' "${b%.sh}.got" || fail "README.md:$(cat "${b%.sh}.line"): no message: $(cat "${b%.sh}.got")"
	done
}

@test "only the $NOT_RUN blocks that need other machines (or are make check) are not run" {
	local b list=''
	for b in $(blocks notrun); do
		list+="README.md:$(cat "${b%.sh}.line"): $(head -n 1 "$b")"$'\n'
	done
	[ "$(blocks notrun | wc -l)" -eq "$NOT_RUN" ] ||
		fail "$(blocks notrun | wc -l) blocks not run, expected $NOT_RUN:"$'\n'"$list"
}
