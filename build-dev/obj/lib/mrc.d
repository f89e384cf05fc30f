build-dev/obj/lib/mrc.o: lib/mrc.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
