#!/usr/bin/env bats
# fuzz: replay every fuzz target's seed corpus (fuzz/corpus/TARGET/) and
# its regressions (fuzz/regress/TARGET/, inputs that once crashed) with
# replay-TARGET, the harness built with the normal compiler (in the
# sanitizer build under ASan+UBSan).  A finding aborts the replay.  See
# fuzz/README.md.

load helpers
bats_require_minimum_version 1.5.0

REPLAY="$TPIPE_BIN/../fuzz"
TARGETS="npy png text einops grad numbers raw tiff jpeg mrc mat slices"

# replay TARGET: run replay-TARGET on its seeds and regressions; it must
# exit 0 and say it replayed them all (none may be skipped).
replay() {
	local t=$1 files=() f
	for f in "$TPIPE_TOP/fuzz/corpus/$t"/* "$TPIPE_TOP/fuzz/regress/$t"/*; do
		[ -f "$f" ] && files+=("$f")
	done
	[ "${#files[@]}" -gt 0 ] || fail "no inputs for $t"
	run --separate-stderr "$REPLAY/replay-$t" "${files[@]}"
	[ "$status" -eq 0 ] || fail "replay-$t: exit $status; $stderr"
	[ "$output" = "replayed ${#files[@]} inputs" ] ||
		fail "replay-$t: '$output', expected ${#files[@]} inputs"
}

@test "fuzz: every target has a replay driver, seeds and a dictionary" {
	for t in $TARGETS; do
		[ -x "$REPLAY/replay-$t" ] || fail "no $REPLAY/replay-$t"
		[ -f "$TPIPE_TOP/fuzz/$t.c" ] || fail "no fuzz/$t.c"
		[ -f "$TPIPE_TOP/fuzz/dict/$t.dict" ] || fail "no dictionary for $t"
		n=$(ls "$TPIPE_TOP/fuzz/corpus/$t" | wc -l)
		[ "$n" -ge 5 ] || fail "$t has $n seeds"
	done
	# the Makefile's list (what make fuzz runs) is this one
	grep -qx "FUZZ_TARGETS = $TARGETS" "$TPIPE_TOP/Makefile" ||
		fail "the Makefile's FUZZ_TARGETS differ from '$TARGETS'"
}

@test "fuzz: npy replays its seeds and regressions" { replay npy; }
@test "fuzz: png replays its seeds and regressions" { replay png; }
@test "fuzz: text replays its seeds and regressions" { replay text; }
@test "fuzz: einops replays its seeds and regressions" { replay einops; }
@test "fuzz: slices replays its seeds and regressions" { replay slices; }
@test "fuzz: grad replays its seeds and regressions" { replay grad; }
@test "fuzz: numbers replays its seeds and regressions" { replay numbers; }
@test "fuzz: raw replays its seeds and regressions" { replay raw; }
@test "fuzz: tiff replays its seeds and regressions" { replay tiff; }
@test "fuzz: jpeg replays its seeds and regressions" { replay jpeg; }
@test "fuzz: mrc replays its seeds and regressions" { replay mrc; }
@test "fuzz: mat replays its seeds and regressions" { replay mat; }

@test "fuzz: a caught die is reported and its memory freed, not exited" {
	# a truncated record: the reader dies inside the harness, which goes
	# on to the next file (two files, both replayed); under the
	# sanitizer build LeakSanitizer would report what the die left
	head -c 100 "$TPIPE_TOP/fuzz/corpus/npy/f8-3x4.npy" > cut.npy
	FUZZ_VERBOSE=1 run --separate-stderr "$REPLAY/replay-npy" cut.npy cut.npy
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ "$output" = "replayed 2 inputs" ] || fail "$output"
	grep -q '^fuzz: died (1): <stdin>: truncated record 0' <<<"$stderr" ||
		fail "no caught die in: $stderr"
}

@test "fuzz: a message quoting input escapes its control bytes" {
	# the harness aborts on a control byte in a message; a parser that
	# quotes what it was given passes a newline on as \x0a
	printf '\007\000u1\nx' > nl.bin
	FUZZ_VERBOSE=1 run --separate-stderr "$REPLAY/replay-numbers" nl.bin
	[ "$status" -eq 0 ] || fail "exit $status: $stderr"
	[ "$stderr" = "fuzz: message: unknown dtype 'u1\\x0ax'" ] ||
		fail "unexpected: $stderr"
}
