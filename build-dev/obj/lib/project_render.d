build-dev/obj/lib/project_render.o: lib/project_render.c lib/tpipe.h \
 lib/project.h lib/project_impl.h
lib/tpipe.h:
lib/project.h:
lib/project_impl.h:
