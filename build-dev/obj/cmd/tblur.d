build-dev/obj/cmd/tblur.o: cmd/tblur.c lib/tpipe.h lib/engine.h lib/fft.h \
 lib/tpipe.h lib/blur.h
lib/tpipe.h:
lib/engine.h:
lib/fft.h:
lib/tpipe.h:
lib/blur.h:
