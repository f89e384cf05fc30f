build-dev/obj/lib/timing.o: lib/timing.c lib/tpipe.h lib/engine.h
lib/tpipe.h:
lib/engine.h:
