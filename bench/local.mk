# Benchmarks are built by `make bench`, never by make check (figures, not tests).
EXTRA_PROGRAMS = bench/bench_core bench/bench_memory
bench_bench_core_SOURCES = bench/bench_core.c
bench_bench_core_CFLAGS = $(AM_CFLAGS) -O2
bench_bench_memory_SOURCES = bench/bench_memory.c
bench_bench_memory_CFLAGS = $(AM_CFLAGS) -O2
CLEANFILES += bench/bench_core bench/bench_memory

bench: bench/bench_core$(EXEEXT) bench/bench_memory$(EXEEXT)
	bench/bench_core$(EXEEXT)
	bench/bench_memory$(EXEEXT)
