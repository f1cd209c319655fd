# Stress programs: built from the library's own sources with
# -fsanitize=thread and run by make check, each bounded in time, each
# failing on any lost, duplicated or double-completed task.
# (check-asan empties WEFT_STRESS_TESTS: ASan and TSan cannot be combined.)
TSAN_COMPILE_FLAGS = $(AM_CFLAGS) -O1 -g -fsanitize=thread
TSAN_LINK_FLAGS = -fsanitize=thread
EXTRA_PROGRAMS = stress/stress_loop
if HAVE_TSAN
WEFT_STRESS_TESTS = stress/stress_loop
endif
check_PROGRAMS += $(WEFT_STRESS_TESTS)
TESTS += $(WEFT_STRESS_TESTS)
CLEANFILES += $(EXTRA_PROGRAMS)

stress_stress_loop_SOURCES = stress/stress_loop.c $(WEFT_SOURCES)
stress_stress_loop_CFLAGS = $(TSAN_COMPILE_FLAGS)
stress_stress_loop_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_loop_LDFLAGS = $(TSAN_LINK_FLAGS)
stress_stress_loop_LDADD = $(CK_LIBS)
