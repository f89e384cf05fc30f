build-dev/obj/lib/random.o: lib/random.c lib/tpipe.h
lib/tpipe.h:
