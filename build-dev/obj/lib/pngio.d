build-dev/obj/lib/pngio.o: lib/pngio.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
