#!/usr/bin/env bats
# Headerless data (tpipe(7) Raw data): --raw DTYPE --shape S [--skip N]
# [--order C|F] of tcat and tinfo, and -O raw.  The golden files in
# test/data/raw/ are numpy.ndarray.tofile's bytes and what numpy.fromfile
# reads from them (test/data/raw/make.py, MANIFEST).

load helpers

RAW=$DATA/raw

# manifest_runs HOW: every golden file read by tcat with its MANIFEST
# options, from the file operand (HOW=file), a regular file on stdin
# (stdin) or a pipe (pipe); prints the cases whose output is not the
# golden .npy byte for byte.
manifest_runs() {
	local how=$1 n d s k o
	while read -r n d s k o; do
		[[ $n == '#'* ]] && continue
		case $how in
		file) tcat --raw "$d" --shape "$s" --skip "$k" --order "$o" "$RAW/$n.raw" ;;
		stdin) tcat --raw "$d" --shape "$s" --skip "$k" --order "$o" < "$RAW/$n.raw" ;;
		pipe) cat "$RAW/$n.raw" | tcat --raw "$d" --shape "$s" --skip "$k" --order "$o" ;;
		esac > out.npy 2> err || echo "$n ($how): exit $?: $(cat err)"
		cmp -s out.npy "$RAW/$n.npy" || echo "$n ($how): not numpy.fromfile's array"
	done < "$RAW/MANIFEST"
}

@test "raw: every golden file reads as numpy.fromfile(f, DTYPE, offset=SKIP).reshape(S, order=O) (big-endian, Fortran order, -1), from a file, stdin and a pipe" {
	local how bad=''
	[ "$(grep -vc '^#' "$RAW/MANIFEST")" -ge 14 ]
	for how in file stdin pipe; do
		bad+=$(manifest_runs "$how")
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "raw: -O raw is numpy's tobytes() and --raw reads it back to numpy.save's bytes, for every dtype, bit for bit (NaN payloads too)" {
	py "
rng = np.random.default_rng(5)
for d in ['?', 'u1', 'i1', 'u2', 'i2', 'u4', 'i4', 'u8', 'i8', 'f2', 'f4',
          'f8', 'c8', 'c16']:
    t = np.dtype(d)
    b = rng.integers(0, 256, 30 * t.itemsize, dtype=np.uint8)
    if d == '?':
        b &= 1                  # numpy's booleans are 0 and 1
    a = np.frombuffer(b.tobytes(), t).reshape(5, 6)
    np.save(t.name + '.npy', a)
    open(t.name + '.raw', 'wb').write(a.tobytes())
    open(t.name + '.code', 'w').write(d)
"
	local f t d bad=''
	for f in *.code; do
		t=${f%.code}
		d=$(cat "$f")
		tcat -O raw "$t.npy" | cmp -s - "$t.raw" || bad+="$t: -O raw "
		tcat -o "o-$t.raw" "$t.npy" && cmp -s "o-$t.raw" "$t.raw" || bad+="$t: .raw "
		tcat --raw "$d" --shape 5,6 "$t.raw" | cmp -s - "$t.npy" || bad+="$t: --raw "
		# raw to raw, through pipes (the splice path)
		cat "$t.raw" | tcat --raw "$t" --shape 3,10 -O raw | cat |
		    cmp -s - "$t.raw" || bad+="$t: raw to raw "
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "raw: -O raw writes the records' bytes back to back, whatever their shapes and dtypes" {
	py "
a, b, c = np.arange(6.).reshape(2, 3), np.arange(4, dtype='<i2'), np.ones((0, 2))
with open('in.npy', 'wb') as f:
    for x in (a, b, c):
        np.save(f, x)
open('want.raw', 'wb').write(a.tobytes() + b.tobytes() + c.tobytes())"
	tcat -O raw in.npy | cmp - want.raw
	tcat -o out.bin in.npy
	cmp out.bin want.raw
}

@test "raw: records back to back: k whole records are k records, each file its own stream" {
	py "np.arange(30, dtype='<f8').tofile('five.raw')"
	run tinfo --raw f8 --shape 2,3 five.raw
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 5 ] || fail "$output"
	[[ ${lines[4]} == "4 shape=(2,3) dtype=float64 bytes=48 min=24 max=29 "* ]] || fail "$output"
	# two files: each is read with the options, so -1 takes each whole
	run tinfo --raw f8 --shape 3,-1 five.raw five.raw
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
	[[ ${lines[1]} == "five.raw:0 shape=(3,10) dtype=float64 "* ]] || fail "$output"
	# no bytes: no records, also with -1
	run --separate-stderr tcat --raw f8 --shape -1 < /dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
	printf 'HDR' > hdr.raw
	run --separate-stderr tcat --raw u1 --shape 2 --skip 3 hdr.raw
	[ "$status" -eq 0 ] && [ -z "$output" ] && [ -z "$stderr" ]
}

@test "raw: a record cut at every byte is a truncated record naming the byte counts; records before it are written (C order, swapped, Fortran order)" {
	py "np.arange(12, dtype='<f8').tofile('two.raw')
np.arange(12, dtype='>i4').tofile('two-be.raw')
np.arange(12, dtype='<u2').tofile('two-u2.raw')"
	"$PY" "$TPIPE_TOP/test/faults_cut.py" two.raw 48 tcat --raw f8 --shape 2,3
	"$PY" "$TPIPE_TOP/test/faults_cut.py" two-be.raw 24 tcat --raw '>i4' --shape 6
	"$PY" "$TPIPE_TOP/test/faults_cut.py" two-u2.raw 12 tcat --raw u2 --shape 3,2 --order F
	"$PY" "$TPIPE_TOP/test/faults_cut.py" two.raw 48 tinfo --raw f8 --shape 2,3
	"$PY" "$TPIPE_TOP/test/faults_cut.py" two.raw 48 tcat --raw f8 --shape 2,3 -O raw
	run --separate-stderr tcat --raw f8 --shape 2,3 -O txt < <(head -c 60 two.raw)
	[ "$status" -eq 1 ]
	[ "$stderr" = "tcat: <stdin>: truncated record 1: expected 48 bytes of data, got 12" ]
	[ "${lines[0]}" = "# shape (2, 3) float64" ] && [ "${lines[2]}" = "3 4 5" ]
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
}

@test "raw: --skip cut at every byte: past the end is an error naming both counts; at its end, no records" {
	local k n
	py "open('s.raw', 'wb').write(b'HEAD' + np.arange(6, dtype='<u2').tobytes())"
	n=$(stat -c %s s.raw)
	for ((k = 0; k < n; k++)); do
		run --separate-stderr tcat --raw u2 --shape 3 --skip 4 -O txt < <(head -c "$k" s.raw)
		if [ "$k" -lt 4 ]; then
			[ "$status" -eq 1 ] && [ -z "$output" ] &&
			    [ "$stderr" = "tcat: <stdin>: --skip 4 passes the end of the input ($k bytes)" ] ||
				fail "cut after $k: exit $status: $stderr"
		elif [ "$k" -eq 4 ] || [ "$k" -eq 10 ]; then
			[ "$status" -eq 0 ] && [ -z "$stderr" ] || fail "cut after $k: exit $status: $stderr"
		else
			[ "$status" -eq 1 ] && [[ $stderr == "tcat: <stdin>: truncated record "[01]": expected 6 bytes of data, got "* ]] ||
				fail "cut after $k: exit $status: $stderr"
		fi
	done
}

@test "raw: -1 is inferred from the input's length: a regular file's size from where stdin stands, else the whole input" {
	py "np.arange(24, dtype='<i2').tofile('a.raw')"
	tcat --raw i2 --shape 2,-1,3 a.raw > file.npy
	cat a.raw | tcat --raw i2 --shape 2,-1,3 > pipe.npy
	py "a = np.load('file.npy'); assert a.shape == (2, 4, 3) and (a.ravel() == np.arange(24)).all()"
	cmp file.npy pipe.npy
	# stdin already 10 bytes into the file: 38 bytes are left
	{ dd bs=10 count=1 of=/dev/null status=none; tcat --raw i2 --shape -1 -O txt; } < a.raw > rest.txt
	[ "$(head -1 rest.txt)" = "# shape (19,) int16" ]
	[ "$(tail -1 rest.txt | cut -d' ' -f1)" = 5 ]
	# a length that is no multiple of the rest of the shape
	row fails 1 "^tcat: .*/a\.raw: 48 bytes do not fill --shape \(5, -1\) of int16: not a multiple of 10 bytes$" /dev/null tcat --raw i2 --shape 5,-1 "$PWD/a.raw"
	row fails 1 "^tcat: <stdin>: 48 bytes do not fill --shape \(-1, 7\) of int16: not a multiple of 14 bytes$" "$PWD/a.raw" tcat --raw i2 --shape -1,7
	rows_ok
}

@test "raw: a shape claiming a PiB over 1000 bytes is a truncated record, not an allocation of a PiB (C and Fortran order, swapped)" {
	local o bad='' want="tcat: k.raw: truncated record 0: expected 1125899906842624 bytes of data, got 1000"
	head -c 1000 /dev/zero > k.raw
	for o in "--raw u1 --shape 1125899906842624" "--raw >f8 --shape 140737488355328" \
	    "--raw f8 --shape 1024,137438953472 --order F" "--raw c16 --shape 8,8796093022208 --order F"; do
		# shellcheck disable=SC2086
		bounded tcat $o k.raw > /dev/null 2> err && bad+="$o: exit 0"$'\n'
		[ "$(cat err)" = "$want" ] || bad+="$o: $(cat err)"$'\n'
		# shellcheck disable=SC2086
		bounded tinfo $o k.raw > /dev/null 2> err && bad+="tinfo $o: exit 0"$'\n'
		[ "$(cat err)" = "${want/tcat/tinfo}" ] || bad+="tinfo $o: $(cat err)"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "raw: big-endian and little-endian codes ('>u2', '<f4', '=i4', '|u1') give the machine's order on output" {
	py "x = np.arange(-3, 3)
for d in ['>u2', '<u2', '>f4', '<f4', '=i4', '>i4', '|u1', '>c16']:
    x.astype(d).tofile('x' + str(len(d)) + d[1:] + ('be' if d[0] == '>' else 'n'))"
	local bad='' f
	for d in '>u2' '<u2' '>f4' '<f4' '=i4' '>i4' '|u1' '>c16'; do
		f=x${#d}${d:1}$([ "${d:0:1}" = '>' ] && echo be || echo n)
		tcat --raw "$d" --shape 6 "$f" > o.npy || bad+="$d: failed "
		py "a = np.load('o.npy'); assert a.dtype == np.dtype('$d').newbyteorder('='), a.dtype
assert (a == np.arange(-3, 3).astype('$d')).all(), a" || bad+="$d "
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "raw: a large record streams through pipes in constant memory (-O raw, and --raw to NPY)" {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	tgen zeros 8192,4096 -o big.npy
	tgen zeros 8192,4096 | /usr/bin/time -f %M -o rss tcat -O raw | cmp - <(tail -c +129 big.npy)
	echo "peak RSS (NPY to raw) $(cat rss) KB"
	[ "$(tail -n 1 rss)" -lt 32768 ]
	tail -c +129 big.npy | /usr/bin/time -f %M -o rss2 tcat --raw f8 --shape 8192,4096 | cmp - big.npy
	echo "peak RSS (raw to NPY) $(cat rss2) KB"
	[ "$(tail -n 1 rss2)" -lt 32768 ]
}

@test "raw: tinfo --raw describes the records; --raw makes any bytes data, an NPY file's header too" {
	local n
	tgen range 4 -t f32 -o r.npy
	n=$(stat -c %s r.npy)
	run tinfo --raw u1 --shape -1 r.npy
	[[ $output == "0 shape=($n,) dtype=uint8 bytes=$n min=0 max=147 "* ]] || fail "$output"
	tail -c 16 r.npy > r.raw
	run tinfo --raw '<f4' --shape 2,2 --order F r.raw
	[[ $output == "0 shape=(2,2) dtype=float32 bytes=16 min=0 max=3 mean=1.5 "* ]] || fail "$output"
	run tcat --raw '<f4' --shape 2,2 --order F -O txt r.raw
	[ "${lines[1]}" = "0 2" ] && [ "${lines[2]}" = "1 3" ] || fail "$output"
}

@test "raw: option errors are usage errors (exit 2) before any output; bad input exits 1 with one line and no -o file" {
	printf 'abcdefgh' > in.raw
	local IN=$PWD/in.raw
	row fails --usage 2 "^tcat: --raw needs --shape: headerless data does not say its shape$" "$IN" tcat --raw f8
	row fails --usage 2 "^tcat: --skip applies to --raw data only$" "$IN" tcat --skip 3
	row fails --usage 2 "^tcat: --order applies to --raw data only$" "$IN" tcat --order F
	row fails --usage 2 "^tcat: --order 'G' is not one of C, F$" "$IN" tcat --raw u1 --shape 8 --order G
	row fails --usage 2 "^tcat: --raw: 'u16' is ambiguous: write uint16, or u2$" "$IN" tcat --raw u16 --shape 4
	row fails --usage 2 "^tcat: --raw: unknown dtype 'object'$" "$IN" tcat --raw object --shape 4
	row fails --usage 2 "^tcat: --skip: '-1' is not an integer|^tcat: --skip must be in" "$IN" tcat --raw u1 --shape 8 --skip=-1
	row fails --usage 2 "^tcat: <stdin>: --shape \(0, 3\) has no elements: raw records of no bytes cannot be counted$" "$IN" tcat --raw u1 --shape 0,3
	row fails --usage 2 "^tcat: <stdin>: --shape \(-1, 0\) has no elements: its -1 cannot be inferred$" "$IN" tcat --raw u1 --shape -1,0
	row fails --usage 2 "^tcat: <stdin>: --shape \(4294967296, 4294967296\) of float64 overflows$" "$IN" tcat --raw f8 --shape 4294967296,4294967296
	row fails --usage 2 "^tcat: --header applies to CSV \(text\) input, not --raw data$" "$IN" tcat --raw u1 --shape 8 --header
	row fails --usage 2 "^tinfo: --raw needs --shape" "$IN" tinfo --raw f8
	row fails 1 "^tcat: <stdin>: --skip 9 passes the end of the input \(8 bytes\)$" "$IN" tcat --raw u1 --shape 8 --skip 9
	row fails --any-stdout 1 "^tcat: <stdin>: truncated record 2: expected 3 bytes of data, got 2$" "$IN" tcat --raw u1 --shape 3
	rows_ok
}

@test "raw: binary input in no format names the formats read and points at --raw" {
	printf '\1\0\2\0junk' > junk.bin
	run --separate-stderr tcat junk.bin
	[ "$status" -eq 1 ] && [ -z "$output" ]
	[[ $stderr =~ ^"tcat: junk.bin: binary data in no format tpipe reads (NPY, PNG".*" or text); headerless data reads with tcat --raw DTYPE --shape S"$ ]] || fail "$stderr"
	run --separate-stderr tblur -s 1 < junk.bin
	[ "$status" -eq 1 ]
	[[ $stderr == "tblur: <stdin>: binary data in no format tpipe reads ("* ]] || fail "$stderr"
}
