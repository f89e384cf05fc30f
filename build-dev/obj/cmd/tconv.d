build-dev/obj/cmd/tconv.o: cmd/tconv.c lib/tpipe.h lib/engine.h lib/fft.h \
 lib/tpipe.h lib/conv.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/tpipe.h:
lib/conv.h:
