build-dev/obj/lib/bigalloc.o: lib/bigalloc.c lib/tpipe.h
lib/tpipe.h:
