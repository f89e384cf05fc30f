build-dev/obj/lib/project.o: lib/project.c lib/tpipe.h lib/engine.h \
 lib/project.h lib/project_impl.h lib/project_typed.h
lib/tpipe.h:
lib/engine.h:
lib/project.h:
lib/project_impl.h:
lib/project_typed.h:
