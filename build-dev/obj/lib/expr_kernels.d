build-dev/obj/lib/expr_kernels.o: lib/expr_kernels.c lib/engine.h \
 lib/expr_impl.h lib/tpipe.h lib/expr.h
lib/engine.h:
lib/expr_impl.h:
lib/tpipe.h:
lib/expr.h:
