build-dev/obj/lib/text.o: lib/text.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
