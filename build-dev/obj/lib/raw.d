build-dev/obj/lib/raw.o: lib/raw.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
