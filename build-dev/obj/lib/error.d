build-dev/obj/lib/error.o: lib/error.c lib/tpipe.h
lib/tpipe.h:
