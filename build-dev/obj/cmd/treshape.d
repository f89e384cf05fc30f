build-dev/obj/cmd/treshape.o: cmd/treshape.c lib/tpipe.h lib/engine.h \
 lib/reshape.h lib/tpipe.h
lib/tpipe.h:
lib/engine.h:
lib/reshape.h:
lib/tpipe.h:
