build-dev/obj/lib/alloc.o: lib/alloc.c lib/tpipe.h
lib/tpipe.h:
