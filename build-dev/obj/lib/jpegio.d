build-dev/obj/lib/jpegio.o: lib/jpegio.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
