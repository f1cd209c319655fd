# cmocka unit tests: one program per area of the public API (included from
# the top-level Makefile.am; paths are relative to the top directory).
# tests/unit/README.md maps every public function to the programs covering it.
UNIT_TESTS = \
	tests/unit/test_errors \
	tests/unit/test_coro \
	tests/unit/test_task \
	tests/unit/test_await \
	tests/unit/test_cancel \
	tests/unit/test_callbacks \
	tests/unit/test_loop \
	tests/unit/test_run \
	tests/unit/test_sleep \
	tests/unit/test_differences \
	tests/unit/test_inline \
	tests/unit/test_executor \
	tests/unit/test_sync \
	tests/unit/test_sync_threads \
	tests/unit/test_compose \
	tests/unit/test_misuse \
	tests/unit/test_shutdown \
	tests/unit/test_debug
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
EXTRA_DIST += tests/unit/unit.h tests/unit/README.md

# One source each (tests/unit/test_NAME.c) plus the shared helpers.
tests_unit_test_errors_SOURCES = tests/unit/test_errors.c tests/unit/unit.h
tests_unit_test_errors_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_coro_SOURCES = tests/unit/test_coro.c tests/unit/unit.h
tests_unit_test_coro_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_task_SOURCES = tests/unit/test_task.c tests/unit/unit.h
tests_unit_test_task_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_await_SOURCES = tests/unit/test_await.c tests/unit/unit.h
tests_unit_test_await_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_cancel_SOURCES = tests/unit/test_cancel.c tests/unit/unit.h
tests_unit_test_cancel_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_callbacks_SOURCES = tests/unit/test_callbacks.c tests/unit/unit.h
tests_unit_test_callbacks_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_loop_SOURCES = tests/unit/test_loop.c tests/unit/unit.h
tests_unit_test_loop_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_run_SOURCES = tests/unit/test_run.c tests/unit/unit.h
tests_unit_test_run_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_sleep_SOURCES = tests/unit/test_sleep.c tests/unit/unit.h
tests_unit_test_sleep_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_differences_SOURCES = tests/unit/test_differences.c tests/unit/unit.h
tests_unit_test_differences_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_inline_SOURCES = tests/unit/test_inline.c tests/unit/unit.h
tests_unit_test_inline_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_executor_SOURCES = tests/unit/test_executor.c tests/unit/unit.h
tests_unit_test_executor_LDADD = libweft.la $(CMOCKA_LIBS)
tests_unit_test_sync_SOURCES = tests/unit/test_sync.c tests/unit/unit.h
tests_unit_test_sync_LDADD = libweft.la $(CMOCKA_LIBS) -lpthread
tests_unit_test_sync_threads_SOURCES = tests/unit/test_sync_threads.c tests/unit/unit.h
tests_unit_test_sync_threads_LDADD = libweft.la $(CMOCKA_LIBS) -lpthread
tests_unit_test_compose_SOURCES = tests/unit/test_compose.c tests/unit/unit.h
tests_unit_test_compose_LDADD = libweft.la $(CMOCKA_LIBS) -lm
tests_unit_test_misuse_SOURCES = tests/unit/test_misuse.c tests/unit/unit.h
tests_unit_test_misuse_LDADD = libweft.la $(CMOCKA_LIBS) -lpthread -lm
tests_unit_test_shutdown_SOURCES = tests/unit/test_shutdown.c tests/unit/unit.h
tests_unit_test_shutdown_LDADD = libweft.la $(CMOCKA_LIBS) -lpthread
tests_unit_test_debug_SOURCES = tests/unit/test_debug.c tests/unit/unit.h
tests_unit_test_debug_LDADD = libweft.la $(CMOCKA_LIBS) -lm
