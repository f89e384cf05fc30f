#!/usr/bin/env bats
# The progress line (lib/progress.c, tpipe(7) "Common options"): shown on
# a terminal once a run passes 2 s, blanked at exit and before messages;
# with --progress on a terminal drawn at once and left at exit; never on
# a file unless --progress, then as whole lines; --quiet wins over a
# terminal.  Only the stream counts, not operand files.  A run is made
# slow without a big input: a producer writes a record, waits, writes
# another.  test/ptyrun.py puts the tool's stderr on a pseudo-terminal,
# keeps every byte written there (raw, as it comes) and what a terminal
# would show at the end (screen).  Where a test needs the line drawn
# before more input comes, the producer waits for it in raw
# (until_drawn), so no test depends on how fast the machine is.

load helpers

PTYRUN=("$PY" "$TPIPE_TOP/test/ptyrun.py")
PAUSE=2.5		# longer than the 2 s before the line appears

setup() {
	cd "$BATS_TEST_TMPDIR" || return 1
	tgen ones 3,3 > a.npy
	tgen range 5 > b.npy
	cat a.npy b.npy > ab.npy
}

# slow A B: write file A, wait PAUSE, write file B.
slow() {
	cat "$1"
	sleep "$PAUSE"
	cat "$2"
}

# until_drawn ERE: wait until the terminal's bytes so far (raw) hold a
# line drawn that matches ERE; fails after about 300 s (a hang).
until_drawn() {
	local i
	for ((i = 0; i < 3000; i++)); do
		tr '\r' '\n' 2> /dev/null < raw | grep -aEq -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

# drawn_then A ERE B: write file A, wait until_drawn ERE, write file B.
drawn_then() {
	cat "$1"
	until_drawn "$2"
	cat "$3"
}

# The line as the tool draws it on a terminal: "\rtool: ..." up to the
# next carriage return.
drawn() {
	tr '\r' '\n' < raw | grep -a "^$1: " || true
}

@test "progress: on a terminal, a run longer than 2 s shows records and bytes, and blanks the line at exit" {
	drawn_then a.npy '^tcat: in 1 record' b.npy |
		"${PTYRUN[@]}" raw screen tcat > out.npy
	cmp out.npy ab.npy
	run drawn tcat
	# first record in (128-byte header, 72 bytes of data), then both;
	# not before 2 s
	[[ ${lines[0]} =~ ^tcat:\ in\ 1\ record\ 200\ B,\ .*\ B/s,\ [0-9]+:[0-9]{2}\ elapsed\ *$ ]] ||
		fail "first line drawn: '${lines[0]}'"
	[[ ${lines[0]} != *" 0:00 elapsed"* && ${lines[0]} != *" 0:01 elapsed"* ]] ||
		fail "drawn before 2 s: '${lines[0]}'"
	grep -aq $'\r'" *"$'\r' raw || fail "no blanking at the end: $(od -c raw | tail -4)"
	# the terminal shows nothing: the line was blanked at exit
	[ ! -s screen ] || fail "left on the terminal: $(cat screen)"
}

@test "progress: with stderr a file, the same slow run writes nothing there" {
	slow a.npy b.npy | tcat > out.npy 2> err
	cmp out.npy ab.npy
	[ ! -s err ] || fail "stderr: $(cat err)"
}

@test "progress: --progress on a file writes whole lines, the last at exit, no carriage return" {
	slow a.npy b.npy | tcat --progress > out.npy 2> err
	cmp out.npy ab.npy
	run cat err
	# a line every 5 s (none if the run was shorter), then the last
	local l
	for l in "${lines[@]}"; do
		[[ $l =~ ^tcat:\ .*\ [0-9]+:[0-9]{2}\ elapsed(,\ [0-9:]+\ left)?$ ]] ||
			fail "not a whole line: $output"
	done
	[[ ${lines[-1]} =~ ^tcat:\ in\ 2\ records\ 368\ B,\ out\ 2\ records\ 368\ B,\ [0-9]+\ B/s,\ [0-9]+:[0-9]{2}\ elapsed$ ]] ||
		fail "last line: $output"
	! grep -q $'\r' err
}

@test "progress: --quiet silences the line on a terminal" {
	slow a.npy b.npy | "${PTYRUN[@]}" raw screen tcat --quiet > out.npy
	cmp out.npy ab.npy
	[ ! -s raw ] || fail "written on the terminal: $(od -c raw | head)"
}

@test "progress: the last of --progress and --quiet wins" {
	tcat --progress --quiet ab.npy > out.npy 2> err
	[ ! -s err ] || fail "--progress --quiet: $(cat err)"
	tcat --quiet --progress ab.npy > out.npy 2> err
	grep -q '^tcat: in 2 records 368 B, out 2 records 368 B, ' err ||
		fail "--quiet --progress: $(cat err)"
}

@test "progress: --progress on a terminal draws at once, cut to the terminal's width, and leaves the last line" {
	drawn_then a.npy '^tcat: in 1 record 200 B, ' b.npy |
		"${PTYRUN[@]}" --cols 30 raw screen tcat --progress > out.npy
	cmp out.npy ab.npy
	run drawn tcat
	# the first line is drawn before anything is read
	[[ ${lines[0]} =~ ^tcat:\ [0-9]+:[0-9]{2}\ elapsed\ *$ ]] || fail "drawn: $output"
	local l
	for l in "${lines[@]}"; do
		[ "${#l}" -le 29 ] || fail "wider than 29 columns: '$l'"
	done
	# the last line stays, cut as it was drawn, ended by a newline
	run cat screen
	[ "${#lines[@]}" -eq 1 ] && [ "${#output}" -eq 29 ] &&
		[[ "tcat: in 2 records 368 B, out 2 records 368 B, " == "$output"* ]] ||
		fail "terminal shows: '$output'"
	printf '\r\n' | cmp -s - <(tail -c 2 raw) || fail "raw ends: $(tail -c 40 raw | od -c)"
}

@test "progress: --progress on a terminal: a run shorter than the first redraw ends with its final line" {
	tgen ones 2 > k.npy
	"${PTYRUN[@]}" raw screen tconv --progress -k k.npy < a.npy > out.npy
	tconv -k k.npy < a.npy | cmp - out.npy
	run cat screen
	# operand files are not input: one record in, a.npy's 200 bytes
	[[ $output =~ ^tconv:\ in\ 1\ record\ 200\ B,\ out\ 1\ record\ 224\ B,\ .*\ elapsed$ ]] ||
		fail "terminal shows: '$output'"
	# and under --quiet after it, nothing
	"${PTYRUN[@]}" raw screen tconv --progress --quiet -k k.npy < a.npy > out.npy
	[ ! -s raw ] || fail "written on the terminal: $(od -c raw | head)"
}

@test "progress: operand files (tconv -k, tgrad's parameters and labels, tproject's matrices) are not counted as input" {
	py '
np.save("x.npy", np.ones((4, 3))); np.save("w.npy", np.ones((3, 2)))
np.save("y.npy", np.array([0, 1, 1, 0])); np.save("m.npy", np.eye(4))
np.save("pts.npy", np.ones((5, 3))); np.save("k.npy", np.ones(2))'
	local -A cmd=(
		[tconv]="tconv -k k.npy"
		[tgrad]="tgrad matmul:w.npy softmax-xent:y.npy"
		[tproject]="tproject --modelview m.npy --projection m.npy"
	)
	local t in size
	for t in tconv tgrad tproject; do
		in=x.npy
		[ "$t" = tproject ] && in=pts.npy
		size=$(stat -c %s "$in")
		# shellcheck disable=SC2086
		${cmd[$t]} --progress < "$in" > /dev/null 2> err ||
			fail "$t: exit $?: $(cat err)"
		grep -q "^$t: in 1 record $size B, out [0-9]* records\? [0-9.]* [KMG]\?i\?B, " err ||
			fail "$t: $(cat err) (the stream is 1 record of $size bytes)"
	done
}

@test "progress: an error under a terminal starts on its own line, and the line is not drawn again" {
	printf 'garbage!' > bad
	run -1 --separate-stderr bash -c "$(declare -f until_drawn drawn_then)"'
		drawn_then a.npy "^tcat: in 1 record" bad | "$@" raw screen tcat' - "${PTYRUN[@]}"
	run drawn tcat
	[ "${#lines[@]}" -ge 1 ] || fail "no line was drawn before the error"
	run cat screen
	[ "$output" = "tcat: <stdin>: record 1: not an NPY record (bad magic)" ] ||
		fail "terminal shows: $output"
	# nothing after the message
	printf '(bad magic)\r\n' | cmp - <(tail -c 13 raw) ||
		fail "raw ends: $(tail -c 80 raw | od -c)"
}

@test "progress: a warning mid-run (tproject's NaN count) is printed clear of the line" {
	py 'np.save("p.npy", np.array([[0, 0, 0, 1], [0, 0, 0, -1.0]]))'
	drawn_then p.npy '^tproject: in 1 record' p.npy |
		"${PTYRUN[@]}" raw screen tproject > out.npy
	run drawn tproject
	[ "${#lines[@]}" -ge 1 ] || fail "no line was drawn"
	run cat screen
	[ "$output" = "tproject: 2 of 4 points are behind the eye (clip w <= 0): written as NaN" ] ||
		fail "terminal shows: $output"
}

@test "progress: a regular file as input gives the time left; '| head' (SIGPIPE) leaves no line behind" {
	tgen zeros 1000,1000 > big.npy		# 8 MB: far more than a pipe holds
	# the reader waits until the line is drawn, then closes the pipe
	"${PTYRUN[@]}" raw screen bash -c "$(declare -f until_drawn)"'
		tcat big.npy | { until_drawn "^tcat: in 1 record"; head -c 10 > /dev/null; }
		echo "status ${PIPESTATUS[0]}" > status'
	[ "$(cat status)" = "status 141" ]
	run drawn tcat
	[[ ${lines[0]} =~ ^tcat:\ in\ 1\ record\ .*\ elapsed,\ [0-9:]+\ left\ *$ ]] ||
		fail "drawn: $output"
	[ ! -s screen ] || fail "left on the terminal: $(cat screen)"
}

@test "progress: the output going to the same terminal turns the line off" {
	# stdout and stderr both on the terminal: text output, no line
	"${PTYRUN[@]}" raw screen bash -c 'exec 1>&2; { sleep '"$PAUSE"'; cat a.npy; } | tcat'
	! grep -aq 'elapsed' raw || fail "drawn: $(cat raw)"
	grep -q '^# shape (3, 3) float64$' screen
}

@test "progress: each tool takes --progress and --quiet, and its usage lists them" {
	tgen randn 4,5 --seed 1 > x.npy
	tgen ones 2,2 > k.npy
	py 'np.save("pts.npy", np.ones((4, 3)))'
	local -A cmd=(
		[tcat]="tcat x.npy"
		[tinfo]="tinfo x.npy"
		[tgen]="tgen ones 2,3"
		[tconv]="tconv -k k.npy x.npy"
		[tblur]="tblur -s 1 x.npy"
		[treshape]="treshape 5,4 x.npy"
		[tproject]="tproject pts.npy"
		[tgrad]="tgrad --loss sum relu"
		[tfft]="tfft x.npy"
	)
	local t
	for t in tcat tinfo tgen tconv tblur treshape tproject tgrad tfft; do
		# shellcheck disable=SC2086
		${cmd[$t]} --quiet < x.npy > quiet.out 2> err ||
			fail "$t --quiet: exit $?: $(cat err)"
		[ ! -s err ] || fail "$t --quiet: stderr: $(cat err)"
		# shellcheck disable=SC2086
		${cmd[$t]} --progress < x.npy > progress.out 2> err ||
			fail "$t --progress: exit $?: $(cat err)"
		cmp quiet.out progress.out || fail "$t: output differs with --progress"
		run cat err
		[ "${#lines[@]}" -eq 1 ] && [[ $output == "$t: "*" elapsed" ]] ||
			fail "$t --progress: stderr: $output"
		run "$t" --help
		[[ $output == *"[--progress | --quiet]"* ]] || fail "$t --help: $output"
	done
}
