build-dev/obj/lib/expr_explain.o: lib/expr_explain.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
