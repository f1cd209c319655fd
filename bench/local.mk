# Benchmarks are built by `make bench`, never by make check (figures, not tests).
EXTRA_PROGRAMS = bench/bench_core
bench_bench_core_SOURCES = bench/bench_core.c
bench_bench_core_CFLAGS = $(AM_CFLAGS) -O2
CLEANFILES += bench/bench_core

bench: bench/bench_core$(EXEEXT)
	bench/bench_core$(EXEEXT)
