build-dev/obj/lib/fft.o: lib/fft.c lib/tpipe.h lib/fft.h
lib/tpipe.h:
lib/fft.h:
