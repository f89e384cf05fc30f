build-dev/obj/cmd/tproject.o: cmd/tproject.c lib/tpipe.h lib/project.h \
 lib/tpipe.h lib/raster.h lib/project.h lib/mesh.h
lib/tpipe.h:
lib/project.h:
lib/tpipe.h:
lib/raster.h:
lib/project.h:
lib/mesh.h:
