build-dev/obj/lib/expr_complex.o: lib/expr_complex.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
