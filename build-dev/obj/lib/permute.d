build-dev/obj/lib/permute.o: lib/permute.c lib/tpipe.h
lib/tpipe.h:
