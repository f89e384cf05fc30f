build-dev/obj/lib/outfile.o: lib/outfile.c lib/tpipe.h
lib/tpipe.h:
