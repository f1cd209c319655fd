# Stress programs: built from the library's own sources with
# -fsanitize=thread and run by make check, each bounded in time, each
# failing on any lost, duplicated or double-completed task.
# check-asan sets STRESS_SANITIZER empty: they then run under its
# ASan+UBSan flags instead (the two sanitizers cannot be combined).
STRESS_SANITIZER = -fsanitize=thread
WEFT_STRESS_TESTS = stress/stress_loop stress/stress_deque
if HAVE_TSAN
check_PROGRAMS += $(WEFT_STRESS_TESTS)
TESTS += $(WEFT_STRESS_TESTS)
endif

stress_stress_loop_SOURCES = stress/stress_loop.c $(WEFT_SOURCES)
stress_stress_loop_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_loop_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_loop_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_loop_LDADD = $(CK_LIBS)

stress_stress_deque_SOURCES = stress/stress_deque.c src/deque.c src/alloc.c
stress_stress_deque_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_deque_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_deque_LDADD =
