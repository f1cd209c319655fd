# examples/local.mk: the C twins of the asyncio tutorial examples, included
# from the top-level Makefile.am (paths are relative to the top directory).
#   make              builds them (noinst)
#   make demo         builds and runs them in order
#   make check        examples/test_examples compares their output with CPython's
#   make regen-examples  regenerates examples/expected/*.out with python3

noinst_PROGRAMS += \
	examples/01_create_task \
	examples/02_many_tasks \
	examples/03_ensure_future \
	examples/04_loop_create_task \
	examples/05_no_running_loop \
	examples/06_not_a_coroutine \
	examples/07_run_coroutine \
	examples/08_await_coroutine \
	examples/09_await_task \
	examples/10_current_task_main \
	examples/11_current_task_coroutine \
	examples/12_current_task_task \
	examples/13_await_itself \
	examples/14_cancel_itself \
	examples/15_get_coro \
	examples/16_await_running_coro \
	examples/17_reuse_coro \
	examples/18_task_result \
	examples/19_task_order

# Composing tasks on several workers (deterministic output all the same).
WEFT_COMPOSE_EXAMPLES = fanout_gather task_group timeout
noinst_PROGRAMS += examples/fanout_gather examples/task_group examples/timeout

check_PROGRAMS += examples/test_examples
TESTS += examples/test_examples
examples_test_examples_SOURCES = examples/test_examples.c
examples_test_examples_LDADD = $(CMOCKA_LIBS)

EXTRA_DIST += \
	examples/normalize \
	examples/run-demo \
	examples/python/01_create_task.py \
	examples/python/02_many_tasks.py \
	examples/python/03_ensure_future.py \
	examples/python/04_loop_create_task.py \
	examples/python/05_no_running_loop.py \
	examples/python/06_not_a_coroutine.py \
	examples/python/07_run_coroutine.py \
	examples/python/08_await_coroutine.py \
	examples/python/09_await_task.py \
	examples/python/10_current_task_main.py \
	examples/python/11_current_task_coroutine.py \
	examples/python/12_current_task_task.py \
	examples/python/13_await_itself.py \
	examples/python/14_cancel_itself.py \
	examples/python/15_get_coro.py \
	examples/python/16_await_running_coro.py \
	examples/python/17_reuse_coro.py \
	examples/python/18_task_result.py \
	examples/python/19_task_order.py \
	examples/expected/01_create_task.out \
	examples/expected/02_many_tasks.out \
	examples/expected/03_ensure_future.out \
	examples/expected/04_loop_create_task.out \
	examples/expected/05_no_running_loop.out \
	examples/expected/06_not_a_coroutine.out \
	examples/expected/07_run_coroutine.out \
	examples/expected/08_await_coroutine.out \
	examples/expected/09_await_task.out \
	examples/expected/10_current_task_main.out \
	examples/expected/11_current_task_coroutine.out \
	examples/expected/12_current_task_task.out \
	examples/expected/13_await_itself.out \
	examples/expected/14_cancel_itself.out \
	examples/expected/15_get_coro.out \
	examples/expected/16_await_running_coro.out \
	examples/expected/17_reuse_coro.out \
	examples/expected/18_task_result.out \
	examples/expected/19_task_order.out \
	examples/python/fanout_gather.py examples/expected/fanout_gather.out \
	examples/python/task_group.py examples/expected/task_group.out \
	examples/python/timeout.py examples/expected/timeout.out

# Builds the examples, then runs them one after the other, and ends with
# what weft is for: the parallel mergesort on 1 worker and on every core.
demo: all
	bash $(srcdir)/examples/run-demo $(top_builddir)
	@for name in $(WEFT_COMPOSE_EXAMPLES) pipeline; do \
	  echo "== $$name =="; $(top_builddir)/examples/$$name$(EXEEXT) || exit 1; done
	@echo "== mergesort =="
	$(top_builddir)/examples/mergesort$(EXEEXT)

# Regenerates the expected outputs from the Python versions (CPython 3.11)
# in the source tree; stderr (never-awaited warnings) is not compared.
regen-examples:
	cd $(srcdir)/examples/python && for py in [0-9][0-9]_*.py \
	  $(WEFT_COMPOSE_EXAMPLES:=.py); do \
	  name=`basename $$py .py`; \
	  python3 $$py 2>/dev/null >../expected/$$name.raw || exit 1; \
	  sh ../normalize <../expected/$$name.raw >../expected/$$name.out || exit 1; \
	  rm -f ../expected/$$name.raw; \
	done
