build-dev/obj/lib/threads.o: lib/threads.c lib/tpipe.h lib/engine.h
lib/tpipe.h:
lib/engine.h:
