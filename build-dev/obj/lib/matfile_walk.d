build-dev/obj/lib/matfile_walk.o: lib/matfile_walk.c lib/matfile.h \
 lib/tpipe.h
lib/matfile.h:
lib/tpipe.h:
