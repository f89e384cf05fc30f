build-dev/obj/cmd/tinfo.o: cmd/tinfo.c lib/colormap.h lib/tpipe.h \
 lib/tpipe.h
lib/colormap.h:
lib/tpipe.h:
lib/tpipe.h:
