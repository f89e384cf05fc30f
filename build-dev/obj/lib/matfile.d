build-dev/obj/lib/matfile.o: lib/matfile.c lib/formats.h lib/tpipe.h \
 lib/matfile.h
lib/formats.h:
lib/tpipe.h:
lib/matfile.h:
