# Benchmarks: `make bench` builds the programs below and runs bench/run.py,
# which writes bench/results/latest.{csv,md,png}. `make bench BENCH_QUICK=1`
# runs fewer repetitions and worker counts (a few minutes). `make bench
# BENCH_ONLY=queue` runs only the named workloads ("queue": queue-1to1 and
# queue-4to4) and merges their rows into the existing results, replacing
# those workloads' rows. Never part of make check: they produce figures,
# not verdicts (a wrong result does fail).
#
# weft's and the serial program are automake programs; the peers are built
# here with the compilers that bring their runtimes (gcc -> libgomp,
# clang -> libomp, g++ -> oneTBB). A peer that does not build is reported
# and skipped by the driver, never an error. Override the compilers with
# make bench BENCH_GCC=... BENCH_CLANG=... BENCH_CXX=... BENCH_PYTHON3=...
EXTRA_PROGRAMS += bench/bench_weft bench/bench_serial bench/bench_memory bench/bench_queue
bench_bench_weft_SOURCES = bench/bench_weft.c bench/bench.h
bench_bench_weft_CFLAGS = $(AM_CFLAGS) -O2
# The in-tree static library: no libtool wrapper script, no PLT calls.
bench_bench_weft_LDFLAGS = -static
bench_bench_serial_SOURCES = bench/bench_serial.c bench/bench.h
bench_bench_serial_CFLAGS = $(AM_CFLAGS) -O2
bench_bench_serial_LDADD =
# Peak memory of a task created but not started (weft only).
bench_bench_memory_SOURCES = bench/bench_memory.c
bench_bench_memory_CFLAGS = $(AM_CFLAGS) -O2
# Queue throughput beside a pthread mutex+condvar queue, in the same run:
# run.py's queue-1to1 and queue-4to4 (run it without arguments for a
# summary by hand).
bench_bench_queue_SOURCES = bench/bench_queue.c
bench_bench_queue_CFLAGS = $(AM_CFLAGS) -O2
# The in-tree static library, as bench_weft.
bench_bench_queue_LDFLAGS = -static
bench_bench_queue_LDADD = libweft.la -lpthread

BENCH_GCC = gcc
BENCH_CLANG = clang
BENCH_CXX = g++
BENCH_PYTHON3 = python3
BENCH_PEER_FLAGS = -O2 -D_GNU_SOURCE -I$(top_srcdir)/bench
BENCH_PEERS = bench/bench_libgomp bench/bench_libomp bench/bench_tbb
CLEANFILES += bench/bench_weft bench/bench_serial bench/bench_memory bench/bench_queue $(BENCH_PEERS) bench/*.build-log
EXTRA_DIST += bench/bench.h bench/bench_omp.c bench/bench_tbb.cc bench/bench_asyncio.py \
	bench/run.py bench/plot.gp

# Each peer rule succeeds even when the compiler or the runtime is missing:
# it leaves no program and the compiler's messages in bench/NAME.build-log.
bench/bench_libgomp: $(srcdir)/bench/bench_omp.c $(srcdir)/bench/bench.h
	@$(MKDIR_P) bench
	@if $(BENCH_GCC) -std=c11 -fopenmp $(BENCH_PEER_FLAGS) -DBENCH_SYSTEM='"libgomp"' \
		-o $@ $(srcdir)/bench/bench_omp.c > bench/bench_libgomp.build-log 2>&1; then \
		echo "  BENCH    $@ ($(BENCH_GCC) -fopenmp)"; \
	else rm -f $@; echo "bench: libgomp peer not built (see bench/bench_libgomp.build-log)"; fi
bench/bench_libomp: $(srcdir)/bench/bench_omp.c $(srcdir)/bench/bench.h
	@$(MKDIR_P) bench
	@if $(BENCH_CLANG) -std=c11 -fopenmp=libomp $(BENCH_PEER_FLAGS) -DBENCH_SYSTEM='"libomp"' \
		-o $@ $(srcdir)/bench/bench_omp.c > bench/bench_libomp.build-log 2>&1; then \
		echo "  BENCH    $@ ($(BENCH_CLANG) -fopenmp=libomp)"; \
	else rm -f $@; echo "bench: libomp peer not built (see bench/bench_libomp.build-log; Debian: libomp-dev)"; fi
bench/bench_tbb: $(srcdir)/bench/bench_tbb.cc $(srcdir)/bench/bench.h
	@$(MKDIR_P) bench
	@if $(BENCH_CXX) -std=c++17 $(BENCH_PEER_FLAGS) -o $@ $(srcdir)/bench/bench_tbb.cc -ltbb \
		> bench/bench_tbb.build-log 2>&1; then \
		echo "  BENCH    $@ ($(BENCH_CXX), oneTBB)"; \
	else rm -f $@; echo "bench: tbb peer not built (see bench/bench_tbb.build-log; Debian: libtbb-dev)"; fi

bench: bench/bench_weft$(EXEEXT) bench/bench_serial$(EXEEXT) bench/bench_memory$(EXEEXT) bench/bench_queue$(EXEEXT) $(BENCH_PEERS)
	test -n "$(BENCH_ONLY)" || bench/bench_memory$(EXEEXT)
	@case "$(BENCH_QUICK)" in ""|0|no) quick= ;; *) quick=--quick ;; esac; \
	$(BENCH_PYTHON3) $(srcdir)/bench/run.py $$quick --only "$(BENCH_ONLY)" --bindir bench \
		--results $(srcdir)/bench/results --python $(BENCH_PYTHON3)
