build-dev/obj/lib/csv.o: lib/csv.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
