build-dev/obj/lib/tiffio.o: lib/tiffio.c lib/formats.h lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
