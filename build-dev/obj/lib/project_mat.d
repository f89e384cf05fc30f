build-dev/obj/lib/project_mat.o: lib/project_mat.c lib/tpipe.h \
 lib/project.h
lib/tpipe.h:
lib/project.h:
