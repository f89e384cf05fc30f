build-dev/obj/lib/dtype.o: lib/dtype.c lib/tpipe.h
lib/tpipe.h:
