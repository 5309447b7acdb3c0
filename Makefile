# ompsweep: build, test, benchmark, install.
# The usual variables override the defaults: make CC=clang CFLAGS='-O2 -g' PREFIX=/opt/ompsweep
# Dependencies (Debian 12): scripts/deps.sh installs them.

VERSION := 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build

# 512-bit vectors make GCC call libmvec's 8-wide exp (kernels/vexp.h); the flag is x86-only.
VECTOR_FLAGS := $(if $(filter x86_64,$(shell uname -m)),-mprefer-vector-width=512)
CFLAGS  ?= -O3 -march=native $(VECTOR_FLAGS) -g
WARNINGS := -Wall -Wextra
GIT_REVISION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

ALL_CFLAGS   = -std=c11 $(WARNINGS) -fopenmp -fPIC $(CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -Ikernels -Idrivers -Iio $(CPPFLAGS) \
               -DOMPSWEEP_VERSION='"$(VERSION)"' \
               -DOMPSWEEP_CFLAGS='"$(strip $(ALL_CFLAGS))"'
# libmvec provides glibc's vector exp (see kernels/vexp.h); OpenBLAS is the OpenMP build and
# also serves as GSL's CBLAS (so -lgslcblas is not linked).
KERNEL_LIBS = -lgsl -lopenblas -lmvec -lm
# io/ reads tradb files through SQLite and audio (and tradb's FLAC blobs) through libsndfile.
LIBS = -lhwloc -ljansson -lsqlite3 -lsndfile $(KERNEL_LIBS) -lpthread

KERNEL_SRC := $(sort $(wildcard kernels/*.c))
DRIVER_SRC := $(sort $(filter-out drivers/app/main.c,$(wildcard drivers/*/*.c)) $(wildcard io/*.c))
TEST_SRC   := $(sort $(wildcard tests/test_*.c))

KERNEL_OBJ := $(KERNEL_SRC:%.c=$(BUILD)/%.o)
DRIVER_OBJ := $(DRIVER_SRC:%.c=$(BUILD)/%.o)
TEST_BIN   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HEADERS    := $(wildcard kernels/*.h drivers/*/*.h io/*.h)
TEST_HEADERS := $(wildcard tests/*.h)

# The library's public API, installed in $(PREFIX)/include/ompsweep (#include <ompsweep/dot.h>):
# a header is public when a user of libompsweep needs it to call the kernels. That is each
# family's own header, kernel.h (the descriptors and the registry: any kernel by name) and
# reduce.h (REDUCE_BLOCK and reduce_block_count size the scratch arrays that expsum.h and
# spline_expsum.h ask for). A public header includes only public and standard headers.
# Internal: vexp.h and vmath.h (they redeclare glibc's exp, log, sin and cos with a SIMD
# attribute), buffer.h and fill.h (the kernels' own allocations and synthetic inputs).
PUBLIC_HEADERS := $(addprefix kernels/,kernel.h reduce.h spline2d.h spline_expsum.h expsum.h \
                    expsum_nondet.h dot.h gemm.h philox.h noise.h stream.h cpu_loop.h peak.h \
                    ae_features.h)

.PHONY: all test check-layers asan bench install uninstall install-test clean format format-check \
        FORCE

all: ompsweep $(BUILD)/ompsweep-mpi $(BUILD)/libompsweep.a $(BUILD)/libompsweep.so

$(BUILD)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# The revision stamp is rewritten only when it changes, and context.o depends on it, so a
# binary never reports the revision of an older build.
$(BUILD)/revision.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define OMPSWEEP_GIT_REVISION "$(GIT_REVISION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/drivers/machine/context.o: ALL_CPPFLAGS += -include $(BUILD)/revision.h
$(BUILD)/drivers/machine/context.o: $(BUILD)/revision.h

# The STREAM loops stay loops: GCC would otherwise turn the copy into a call to memmove, whose
# strategy (e.g. non-temporal stores above a size threshold) is glibc's, not the kernel's.
$(BUILD)/kernels/stream.o: ALL_CFLAGS += -fno-tree-loop-distribute-patterns
# Box-Muller's sqrt vectorises only without errno (kernels/vmath.h, kernels/noise_omp.c).
$(BUILD)/kernels/noise_omp.o: ALL_CFLAGS += -fno-math-errno

$(BUILD)/libompsweep.a: $(KERNEL_OBJ)
	$(AR) rcs $@ $^

$(BUILD)/libompsweep.so: $(KERNEL_OBJ)
	$(CC) -shared -fopenmp $(LDFLAGS) -Wl,-soname,libompsweep.so.0 -o $@ $^ $(KERNEL_LIBS)

$(BUILD)/ompsweep: $(BUILD)/drivers/app/main.o $(DRIVER_OBJ) $(BUILD)/libompsweep.a
	$(CC) -fopenmp $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The MPI build: the same program with drivers/machine/mpi/ranks_mpi.c in place of the
# one-process drivers/machine/ranks_single.c (drivers/machine/ranks.h), compiled and linked
# through Open MPI's mpicc.
MPICC ?= mpicc
MPI_OBJ := $(filter-out $(BUILD)/drivers/machine/ranks_single.o,$(DRIVER_OBJ))
$(BUILD)/drivers/machine/mpi/ranks_mpi.o: drivers/machine/mpi/ranks_mpi.c drivers/machine/ranks.h Makefile
	@mkdir -p $(dir $@)
	$(MPICC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/ompsweep-mpi: $(BUILD)/drivers/app/main.o $(MPI_OBJ) $(BUILD)/drivers/machine/mpi/ranks_mpi.o \
                       $(BUILD)/libompsweep.a
	$(MPICC) -fopenmp $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The binary is also linked at the top level so the README's commands stay short.
ompsweep: $(BUILD)/ompsweep
	cp $< $@

$(BUILD)/tests/%: tests/%.c $(DRIVER_OBJ) $(BUILD)/libompsweep.a $(HEADERS) $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) -DGOLDEN_DIR='"tests/golden"' -DOMPSWEEP_BIN='"$(BUILD)/ompsweep"' \
	    -DOMPSWEEP_MPI_BIN='"build/ompsweep-mpi"' \
	    $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(DRIVER_OBJ) $(BUILD)/libompsweep.a -lcriterion $(LIBS)

# The layer check, every test binary, then one closing line with the totals
# (scripts/run-tests.sh). The MPI tests run the plain build's ompsweep-mpi in every suite
# (Open MPI is not built for the sanitizers).
test: check-layers $(BUILD)/ompsweep build/ompsweep-mpi $(TEST_BIN)
	@scripts/run-tests.sh $(TEST_BIN)

# drivers/ follows its layer rule (docs/design.md), and the check refuses each kind of break.
check-layers:
	@scripts/check-layers.sh
	@tests/layers/run.sh

# The same suite built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) build/ompsweep-mpi
	$(MAKE) BUILD=build/asan \
	    CFLAGS='-O1 -g -march=native -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined' \
	    LDFLAGS='-fsanitize=address,undefined' test

bench: $(BUILD)/ompsweep
	scripts/bench.sh $(BUILD)/ompsweep

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	    $(DESTDIR)$(PREFIX)/include/ompsweep
	install -m 755 $(BUILD)/ompsweep $(DESTDIR)$(PREFIX)/bin/ompsweep
	install -m 644 $(BUILD)/libompsweep.a $(DESTDIR)$(PREFIX)/lib/libompsweep.a
	install -m 755 $(BUILD)/libompsweep.so $(DESTDIR)$(PREFIX)/lib/libompsweep.so.$(VERSION)
	ln -sf libompsweep.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libompsweep.so.0
	ln -sf libompsweep.so.0 $(DESTDIR)$(PREFIX)/lib/libompsweep.so
	install -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(PREFIX)/include/ompsweep/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' scripts/ompsweep.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ompsweep.pc

# The library's files and include/ompsweep go by name pattern and whole, so what an older
# version installed there (another .so version, a header no longer public) goes too.
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/ompsweep $(DESTDIR)$(PREFIX)/lib/libompsweep.* \
	    $(DESTDIR)$(PREFIX)/lib/pkgconfig/ompsweep.pc
	rm -rf $(DESTDIR)$(PREFIX)/include/ompsweep

# Installs into a temporary DESTDIR, builds a program against it with pkg-config (shared and
# static), checks the installed files, uninstalls (tests/install/run.sh).
install-test: all
	tests/install/run.sh

format:
	clang-format -i kernels/*.[ch] drivers/*/*.[ch] drivers/machine/mpi/*.c io/*.[ch] tests/*.[ch]

format-check:
	clang-format --dry-run -Werror kernels/*.[ch] drivers/*/*.[ch] drivers/machine/mpi/*.c io/*.[ch] tests/*.[ch]

clean:
	rm -rf build ompsweep
