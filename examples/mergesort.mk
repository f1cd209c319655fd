# examples/mergesort.mk: the parallel showcase programs, included from the
# top-level Makefile.am (non-recursive: paths are relative to the top;
# programs link libweft.la through the default LDADD).
#   make              builds examples/mergesort (its output holds times: not a test)
#   make check        runs examples/tsan_user when configure found TSan

noinst_PROGRAMS += examples/mergesort
examples_mergesort_SOURCES = examples/mergesort.c
examples_mergesort_CFLAGS = $(AM_CFLAGS) -O2

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
