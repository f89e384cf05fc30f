build-dev/obj/lib/raster_clip.o: lib/raster_clip.c lib/tpipe.h \
 lib/raster_impl.h lib/project.h
lib/tpipe.h:
lib/raster_impl.h:
lib/project.h:
