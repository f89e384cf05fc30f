build-dev/obj/cmd/tgen.o: cmd/tgen.c lib/gauss.h lib/tpipe.h
lib/gauss.h:
lib/tpipe.h:
