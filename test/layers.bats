#!/usr/bin/env bats
# layers: lib/ is in layers that only look down (DESIGN.md section 5),
# checked by mk/layers.py from the built objects' symbols and the
# sources' includes against mk/layers.txt.  The plants go into scratch
# copies of lib/ and of the objects, never into the tree.

load helpers

OBJ=$(dirname "$TPIPE_BIN")/obj/lib

layers() {
	"$TPIPE_TOP/mk/layers.py" "$@"
}

# scratch: copies of lib/ in src/ and of the built objects in obj/.
scratch() {
	cp -r "$TPIPE_TOP/lib" src
	mkdir obj
	cp "$OBJ"/*.o obj/
}

# plant FILE CODE: append CODE to src/FILE.c and compile it to obj/FILE.o.
plant() {
	printf '%s\n' "$2" >> "src/$1.c"
	cc -D_GNU_SOURCE -c -o "obj/$1.o" "src/$1.c" ||
		fail "the planted src/$1.c does not compile"
}

@test "the library has no cycle and no use of a layer above or beside" {
	run layers "$OBJ"
	[ "$status" -eq 0 ] || fail "$output"
	local n
	n=$(ls "$TPIPE_TOP"/lib/*.c | wc -l)
	assert_output --regexp "^layers: $n objects in 6 layers, [0-9]+ uses"
}

@test "an io object using an engine's function is named, with both layers" {
	scratch
	plant npy 'struct tp_conv_opts;
void tp_conv_opts_init(struct tp_conv_opts *);
void tp_planted(void) { tp_conv_opts_init(0); }'
	run -1 layers --src src obj
	assert_output "layers: lib/npy.o (io) uses tp_conv_opts_init from lib/conv.o (engine)"
}

@test "pictures and the engines are beside each other: neither may use the other" {
	scratch
	plant colormap 'void tp_parallel(int, size_t, void (*)(void *, size_t, int), void *);
void tp_planted(void) { tp_parallel(1, 0, 0, 0); }'
	plant gauss 'int tp_cmap_index(double);
int tp_planted2(void) { return tp_cmap_index(0.5); }'
	run -1 layers --src src obj
	assert_line "layers: lib/colormap.o (pictures) uses tp_parallel from lib/threads.o (infra)"
	assert_line "layers: lib/gauss.o (engine) uses tp_cmap_index from lib/colormap.o (pictures)"
	[ "${#lines[@]}" -eq 2 ] || fail "$output"
}

@test "a cycle within one layer is named, round to its start" {
	scratch
	plant alloc 'void tp_planted(void) { char b[8]; tp_shape_str(0, b, sizeof b); }'
	run -1 layers --src src obj
	assert_output "layers: cycle: lib/alloc.o uses tp_shape_str from lib/tensor.o, which uses tp_ecalloc from lib/alloc.o"
}

@test "an io source including an engine's header is named" {
	scratch
	printf '#include "conv.h"\n' >> src/npy.c
	run -1 layers --src src "$OBJ"
	assert_output 'layers: lib/npy.c (io) includes conv.h (engine)'
}

@test "a new file must be placed; the table may name no file that is gone, nor one twice" {
	scratch
	printf 'int tp_planted(void) { return 0; }\n' > src/planted.c
	cc -c -o obj/planted.o src/planted.c
	rm src/random.c
	cp "$TPIPE_TOP/mk/layers.txt" table
	printf 'npy.c engine\n' >> table
	run -1 layers --table table --src src obj
	assert_line "layers: lib/planted.c is in no layer: place it in table"
	assert_line "layers: table places random.c, which lib/ does not have"
	assert_line --regexp '^layers: table:[0-9]+: npy.c is placed twice \(io and engine\)$'
	[ "${#lines[@]}" -eq 3 ] || fail "$output"
}

@test "a source with no object fails rather than passing unread" {
	scratch
	rm obj/conv.o
	run -1 layers --src src obj
	assert_output "layers: lib/conv.c has no object in obj: build first"
}
