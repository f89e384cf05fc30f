build-dev/obj/lib/npy.o: lib/npy.c lib/tpipe.h
lib/tpipe.h:
