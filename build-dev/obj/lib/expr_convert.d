build-dev/obj/lib/expr_convert.o: lib/expr_convert.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
