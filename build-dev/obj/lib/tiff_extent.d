build-dev/obj/lib/tiff_extent.o: lib/tiff_extent.c lib/formats.h \
 lib/tpipe.h
lib/formats.h:
lib/tpipe.h:
