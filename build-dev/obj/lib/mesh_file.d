build-dev/obj/lib/mesh_file.o: lib/mesh_file.c lib/tpipe.h lib/mesh.h
lib/tpipe.h:
lib/mesh.h:
