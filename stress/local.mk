# Stress programs: built from the library's own sources with
# -fsanitize=thread and run by make check, each bounded in time, each
# failing on any lost, duplicated or double-completed task.
# check-asan sets STRESS_SANITIZER empty: they then run under its
# ASan+UBSan flags instead (the two sanitizers cannot be combined).
STRESS_SANITIZER = -fsanitize=thread
WEFT_STRESS_TESTS = stress/stress_loop stress/stress_deque stress/stress_storm \
	stress/stress_migration stress/stress_wakeup stress/stress_external stress/stress_shutdown \
	stress/stress_forkjoin
if HAVE_TSAN
check_PROGRAMS += $(WEFT_STRESS_TESTS)
TESTS += $(WEFT_STRESS_TESTS)
endif

stress_stress_loop_SOURCES = stress/stress_loop.c stress/stress.h $(WEFT_SOURCES)
stress_stress_loop_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_loop_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_loop_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_loop_LDADD = $(CK_LIBS)

# The whole library: the allocator hook in alloc.c records errors (error.c).
stress_stress_deque_SOURCES = stress/stress_deque.c stress/stress.h $(WEFT_SOURCES)
stress_stress_deque_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_deque_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_deque_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_deque_LDADD = $(CK_LIBS)

stress_stress_storm_SOURCES = stress/stress_storm.c stress/stress.h $(WEFT_SOURCES)
stress_stress_storm_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_storm_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_storm_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_storm_LDADD = $(CK_LIBS)

stress_stress_migration_SOURCES = stress/stress_migration.c stress/stress.h $(WEFT_SOURCES)
stress_stress_migration_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_migration_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_migration_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_migration_LDADD = $(CK_LIBS)

stress_stress_wakeup_SOURCES = stress/stress_wakeup.c stress/stress.h $(WEFT_SOURCES)
stress_stress_wakeup_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_wakeup_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_wakeup_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_wakeup_LDADD = $(CK_LIBS)

stress_stress_external_SOURCES = stress/stress_external.c stress/stress.h $(WEFT_SOURCES)
stress_stress_external_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_external_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_external_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_external_LDADD = $(CK_LIBS)

stress_stress_shutdown_SOURCES = stress/stress_shutdown.c stress/stress.h $(WEFT_SOURCES)
stress_stress_shutdown_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_shutdown_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_shutdown_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_shutdown_LDADD = $(CK_LIBS)

EXTRA_DIST += stress/README.md

stress_stress_forkjoin_SOURCES = stress/stress_forkjoin.c stress/stress.h $(WEFT_SOURCES)
stress_stress_forkjoin_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_forkjoin_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_forkjoin_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_forkjoin_LDADD = $(CK_LIBS)

# Synchronization primitives across workers (Queue, Lock/Semaphore, Event/Condition).
WEFT_SYNC_STRESS_TESTS = stress/stress_queue stress/stress_lock stress/stress_event
if HAVE_TSAN
check_PROGRAMS += $(WEFT_SYNC_STRESS_TESTS)
TESTS += $(WEFT_SYNC_STRESS_TESTS)
endif

stress_stress_queue_SOURCES = stress/stress_queue.c $(WEFT_SOURCES)
stress_stress_queue_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_queue_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_queue_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_queue_LDADD = $(CK_LIBS)

stress_stress_lock_SOURCES = stress/stress_lock.c $(WEFT_SOURCES)
stress_stress_lock_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_lock_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_lock_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_lock_LDADD = $(CK_LIBS)

stress_stress_event_SOURCES = stress/stress_event.c $(WEFT_SOURCES)
stress_stress_event_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_event_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_event_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_event_LDADD = $(CK_LIBS)
# Composition (gather, task groups, wait, wait_for, shield, timeouts,
# as_completed) across workers: stress/stress_group.c.
# (WEFT_STRESS_TESTS is expanded by make, so the TESTS above include it.)
WEFT_STRESS_TESTS += stress/stress_group
stress_stress_group_SOURCES = stress/stress_group.c $(WEFT_SOURCES)
stress_stress_group_CFLAGS = $(AM_CFLAGS) -O1 -g $(STRESS_SANITIZER)
stress_stress_group_CCASFLAGS = $(AM_CCASFLAGS)
stress_stress_group_LDFLAGS = $(STRESS_SANITIZER)
stress_stress_group_LDADD = $(CK_LIBS)
