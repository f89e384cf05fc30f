build-dev/obj/lib/expr_eval.o: lib/expr_eval.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
