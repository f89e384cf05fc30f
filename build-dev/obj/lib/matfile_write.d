build-dev/obj/lib/matfile_write.o: lib/matfile_write.c lib/formats.h \
 lib/tpipe.h lib/matfile.h
lib/formats.h:
lib/tpipe.h:
lib/matfile.h:
