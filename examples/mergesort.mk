# examples/mergesort.mk: the parallel showcase programs, included from the
# top-level Makefile.am (non-recursive: paths are relative to the top;
# programs link libweft.la through the default LDADD).
#   make              builds examples/mergesort (its output holds times: not a test)
#   make bench        also builds and runs bench/bench_fib (never make check)
#   make check        runs examples/tsan_user when configure found TSan

noinst_PROGRAMS += examples/mergesort
examples_mergesort_SOURCES = examples/mergesort.c
examples_mergesort_CFLAGS = $(AM_CFLAGS) -O2

EXTRA_PROGRAMS += bench/bench_fib
bench_bench_fib_SOURCES = bench/bench_fib.c
bench_bench_fib_CFLAGS = $(AM_CFLAGS) -O2
CLEANFILES += bench/bench_fib
# `make bench` builds and runs it too (bench/local.mk runs bench_core);
# include this fragment after bench/local.mk, which sets EXTRA_PROGRAMS.
bench: bench-fib
bench-fib: bench/bench_fib$(EXEEXT)
	bench/bench_fib$(EXEEXT)
.PHONY: bench-fib

# A user's program under ThreadSanitizer: only tsan_user is instrumented;
# libweft.la is the ordinary library, built without sanitizers (that is the
# point). $(STRESS_SANITIZER) is -fsanitize=thread, and empty under
# check-asan, whose ASan flags cannot be combined with TSan's.
if HAVE_TSAN
check_PROGRAMS += examples/tsan_user
TESTS += examples/tsan_user
endif
examples_tsan_user_SOURCES = examples/tsan_user.c
examples_tsan_user_CFLAGS = $(AM_CFLAGS) -g $(STRESS_SANITIZER)
examples_tsan_user_LDFLAGS = $(STRESS_SANITIZER)
examples_tsan_user_LDADD = libweft.la
