build-dev/obj/cmd/tmath.o: cmd/tmath.c lib/tpipe.h lib/engine.h \
 lib/expr.h lib/tpipe.h
lib/tpipe.h:
lib/engine.h:
lib/expr.h:
lib/tpipe.h:
