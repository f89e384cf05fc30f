build-dev/obj/lib/mesh.o: lib/mesh.c lib/tpipe.h lib/mesh.h
lib/tpipe.h:
lib/mesh.h:
