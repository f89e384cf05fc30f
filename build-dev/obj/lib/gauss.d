build-dev/obj/lib/gauss.o: lib/gauss.c lib/gauss.h
lib/gauss.h:
