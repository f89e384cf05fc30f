build-dev/obj/lib/raster.o: lib/raster.c lib/tpipe.h lib/engine.h \
 lib/raster.h lib/project.h lib/raster_impl.h
lib/tpipe.h:
lib/engine.h:
lib/raster.h:
lib/project.h:
lib/raster_impl.h:
