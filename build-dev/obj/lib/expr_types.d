build-dev/obj/lib/expr_types.o: lib/expr_types.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h lib/expr_loops.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
lib/expr_loops.h:
