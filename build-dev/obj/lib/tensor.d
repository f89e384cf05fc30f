build-dev/obj/lib/tensor.o: lib/tensor.c lib/tpipe.h
lib/tpipe.h:
