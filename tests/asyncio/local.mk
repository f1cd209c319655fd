# asyncio conformance suite (included from the top-level Makefile.am; paths are
# relative to the top directory). Each scenario NN_name is a Python program
# (NN_name.py), its C twin (NN_name.c, built here as a check program) and the
# trace CPython 3.11 printed (expected/NN_name.txt). The runner
# tests/asyncio/test_conformance runs every C twin and compares its stdout with
# the expected trace. After changing a .py file: make regen-expected.
#
# Adding a scenario: write tests/asyncio/NN_name.py and .c, add it to the three
# lists below, run make regen-expected, and add a row to tests/asyncio/README.md.

ASYNCIO_SCENARIOS = \
	tests/asyncio/01_create_order \
	tests/asyncio/02_sleep0_roundrobin \
	tests/asyncio/03_await_pending \
	tests/asyncio/04_await_done \
	tests/asyncio/05_waiter_order \
	tests/asyncio/06_await_coro_inline \
	tests/asyncio/07_soon_later_sleep0 \
	tests/asyncio/08_timer_order \
	tests/asyncio/09_sleep_two_hops \
	tests/asyncio/10_cancel_before_start \
	tests/asyncio/11_cancel_sleeping \
	tests/asyncio/12_cancel_chain \
	tests/asyncio/13_swallow_cancel \
	tests/asyncio/14_self_cancel_return \
	tests/asyncio/15_self_cancel_yield \
	tests/asyncio/16_self_cancel_await \
	tests/asyncio/17_cancel_after_complete \
	tests/asyncio/18_cancel_message_await \
	tests/asyncio/19_cancelling_counts \
	tests/asyncio/20_done_callbacks \
	tests/asyncio/21_remove_done_callback \
	tests/asyncio/22_callback_errors \
	tests/asyncio/23_all_tasks \
	tests/asyncio/24_names \
	tests/asyncio/25_result_states \
	tests/asyncio/26_await_self \
	tests/asyncio/27_coro_reuse \
	tests/asyncio/28_no_loop \
	tests/asyncio/29_shutdown_pending \
	tests/asyncio/30_shutdown_order \
	tests/asyncio/31_shutdown_main_error \
	tests/asyncio/32_never_retrieved \
	tests/asyncio/33_main_self_cancel \
	tests/asyncio/34_cancel_chain_twice \
	tests/asyncio/35_callbacks_in_callbacks \
	tests/asyncio/36_cancel_handle_queued \
	tests/asyncio/37_await_again_after_cancel \
	tests/asyncio/38_failed_waiters \
	tests/asyncio/39_done_callback_chain \
	tests/asyncio/40_event_wait_set \
	tests/asyncio/41_event_cancel \
	tests/asyncio/42_lock_fifo \
	tests/asyncio/43_lock_no_barging \
	tests/asyncio/44_lock_cancel \
	tests/asyncio/45_semaphore_fifo \
	tests/asyncio/46_semaphore_cancel \
	tests/asyncio/47_bounded_semaphore \
	tests/asyncio/48_condition_notify \
	tests/asyncio/49_condition_wait_for \
	tests/asyncio/50_condition_cancel \
	tests/asyncio/51_queue_fifo \
	tests/asyncio/52_queue_lifo_priority \
	tests/asyncio/53_queue_join \
	tests/asyncio/54_queue_cancel \
	tests/asyncio/55_queue_rewait \
	tests/asyncio/60_gather_order \
	tests/asyncio/61_gather_first_error \
	tests/asyncio/62_gather_return_exceptions \
	tests/asyncio/63_gather_cancel \
	tests/asyncio/64_wait_modes \
	tests/asyncio/65_wait_timeout \
	tests/asyncio/66_as_completed \
	tests/asyncio/67_wait_for \
	tests/asyncio/68_wait_for_cancel \
	tests/asyncio/69_shield \
	tests/asyncio/70_timeout_scope \
	tests/asyncio/71_task_group_ok \
	tests/asyncio/72_task_group_error \
	tests/asyncio/73_task_group_cancel \
	tests/asyncio/74_task_group_errors \
	tests/asyncio/75_compose_nested

check_PROGRAMS += $(ASYNCIO_SCENARIOS) tests/asyncio/test_conformance
TESTS += tests/asyncio/test_conformance

# The runner only runs programs: it does not link libweft.
tests_asyncio_test_conformance_SOURCES = tests/asyncio/test_conformance.c
tests_asyncio_test_conformance_LDADD = -lcmocka

# One source each (the default LDADD links libweft.la).
tests_asyncio_01_create_order_SOURCES = tests/asyncio/01_create_order.c
tests_asyncio_02_sleep0_roundrobin_SOURCES = tests/asyncio/02_sleep0_roundrobin.c
tests_asyncio_03_await_pending_SOURCES = tests/asyncio/03_await_pending.c
tests_asyncio_04_await_done_SOURCES = tests/asyncio/04_await_done.c
tests_asyncio_05_waiter_order_SOURCES = tests/asyncio/05_waiter_order.c
tests_asyncio_06_await_coro_inline_SOURCES = tests/asyncio/06_await_coro_inline.c
tests_asyncio_07_soon_later_sleep0_SOURCES = tests/asyncio/07_soon_later_sleep0.c
tests_asyncio_08_timer_order_SOURCES = tests/asyncio/08_timer_order.c
tests_asyncio_09_sleep_two_hops_SOURCES = tests/asyncio/09_sleep_two_hops.c
tests_asyncio_10_cancel_before_start_SOURCES = tests/asyncio/10_cancel_before_start.c
tests_asyncio_11_cancel_sleeping_SOURCES = tests/asyncio/11_cancel_sleeping.c
tests_asyncio_12_cancel_chain_SOURCES = tests/asyncio/12_cancel_chain.c
tests_asyncio_13_swallow_cancel_SOURCES = tests/asyncio/13_swallow_cancel.c
tests_asyncio_14_self_cancel_return_SOURCES = tests/asyncio/14_self_cancel_return.c
tests_asyncio_15_self_cancel_yield_SOURCES = tests/asyncio/15_self_cancel_yield.c
tests_asyncio_16_self_cancel_await_SOURCES = tests/asyncio/16_self_cancel_await.c
tests_asyncio_17_cancel_after_complete_SOURCES = tests/asyncio/17_cancel_after_complete.c
tests_asyncio_18_cancel_message_await_SOURCES = tests/asyncio/18_cancel_message_await.c
tests_asyncio_19_cancelling_counts_SOURCES = tests/asyncio/19_cancelling_counts.c
tests_asyncio_20_done_callbacks_SOURCES = tests/asyncio/20_done_callbacks.c
tests_asyncio_21_remove_done_callback_SOURCES = tests/asyncio/21_remove_done_callback.c
tests_asyncio_22_callback_errors_SOURCES = tests/asyncio/22_callback_errors.c
tests_asyncio_23_all_tasks_SOURCES = tests/asyncio/23_all_tasks.c
tests_asyncio_24_names_SOURCES = tests/asyncio/24_names.c
tests_asyncio_25_result_states_SOURCES = tests/asyncio/25_result_states.c
tests_asyncio_26_await_self_SOURCES = tests/asyncio/26_await_self.c
tests_asyncio_27_coro_reuse_SOURCES = tests/asyncio/27_coro_reuse.c
tests_asyncio_28_no_loop_SOURCES = tests/asyncio/28_no_loop.c
tests_asyncio_29_shutdown_pending_SOURCES = tests/asyncio/29_shutdown_pending.c
tests_asyncio_30_shutdown_order_SOURCES = tests/asyncio/30_shutdown_order.c
tests_asyncio_31_shutdown_main_error_SOURCES = tests/asyncio/31_shutdown_main_error.c
tests_asyncio_32_never_retrieved_SOURCES = tests/asyncio/32_never_retrieved.c
tests_asyncio_33_main_self_cancel_SOURCES = tests/asyncio/33_main_self_cancel.c
tests_asyncio_34_cancel_chain_twice_SOURCES = tests/asyncio/34_cancel_chain_twice.c
tests_asyncio_35_callbacks_in_callbacks_SOURCES = tests/asyncio/35_callbacks_in_callbacks.c
tests_asyncio_36_cancel_handle_queued_SOURCES = tests/asyncio/36_cancel_handle_queued.c
tests_asyncio_37_await_again_after_cancel_SOURCES = tests/asyncio/37_await_again_after_cancel.c
tests_asyncio_38_failed_waiters_SOURCES = tests/asyncio/38_failed_waiters.c
tests_asyncio_39_done_callback_chain_SOURCES = tests/asyncio/39_done_callback_chain.c
tests_asyncio_40_event_wait_set_SOURCES = tests/asyncio/40_event_wait_set.c
tests_asyncio_41_event_cancel_SOURCES = tests/asyncio/41_event_cancel.c
tests_asyncio_42_lock_fifo_SOURCES = tests/asyncio/42_lock_fifo.c
tests_asyncio_43_lock_no_barging_SOURCES = tests/asyncio/43_lock_no_barging.c
tests_asyncio_44_lock_cancel_SOURCES = tests/asyncio/44_lock_cancel.c
tests_asyncio_45_semaphore_fifo_SOURCES = tests/asyncio/45_semaphore_fifo.c
tests_asyncio_46_semaphore_cancel_SOURCES = tests/asyncio/46_semaphore_cancel.c
tests_asyncio_47_bounded_semaphore_SOURCES = tests/asyncio/47_bounded_semaphore.c
tests_asyncio_48_condition_notify_SOURCES = tests/asyncio/48_condition_notify.c
tests_asyncio_49_condition_wait_for_SOURCES = tests/asyncio/49_condition_wait_for.c
tests_asyncio_50_condition_cancel_SOURCES = tests/asyncio/50_condition_cancel.c
tests_asyncio_51_queue_fifo_SOURCES = tests/asyncio/51_queue_fifo.c
tests_asyncio_52_queue_lifo_priority_SOURCES = tests/asyncio/52_queue_lifo_priority.c
tests_asyncio_53_queue_join_SOURCES = tests/asyncio/53_queue_join.c
tests_asyncio_54_queue_cancel_SOURCES = tests/asyncio/54_queue_cancel.c
tests_asyncio_55_queue_rewait_SOURCES = tests/asyncio/55_queue_rewait.c
tests_asyncio_60_gather_order_SOURCES = tests/asyncio/60_gather_order.c
tests_asyncio_61_gather_first_error_SOURCES = tests/asyncio/61_gather_first_error.c
tests_asyncio_62_gather_return_exceptions_SOURCES = tests/asyncio/62_gather_return_exceptions.c
tests_asyncio_63_gather_cancel_SOURCES = tests/asyncio/63_gather_cancel.c
tests_asyncio_64_wait_modes_SOURCES = tests/asyncio/64_wait_modes.c
tests_asyncio_65_wait_timeout_SOURCES = tests/asyncio/65_wait_timeout.c
tests_asyncio_66_as_completed_SOURCES = tests/asyncio/66_as_completed.c
tests_asyncio_67_wait_for_SOURCES = tests/asyncio/67_wait_for.c
tests_asyncio_68_wait_for_cancel_SOURCES = tests/asyncio/68_wait_for_cancel.c
tests_asyncio_69_shield_SOURCES = tests/asyncio/69_shield.c
tests_asyncio_70_timeout_scope_SOURCES = tests/asyncio/70_timeout_scope.c
tests_asyncio_71_task_group_ok_SOURCES = tests/asyncio/71_task_group_ok.c
tests_asyncio_72_task_group_error_SOURCES = tests/asyncio/72_task_group_error.c
tests_asyncio_73_task_group_cancel_SOURCES = tests/asyncio/73_task_group_cancel.c
tests_asyncio_74_task_group_errors_SOURCES = tests/asyncio/74_task_group_errors.c
tests_asyncio_75_compose_nested_SOURCES = tests/asyncio/75_compose_nested.c

EXTRA_DIST += tests/asyncio/scenario.h tests/asyncio/scenario.py \
	tests/asyncio/README.md \
	tests/asyncio/regen-expected \
	tests/asyncio/01_create_order.py \
	tests/asyncio/02_sleep0_roundrobin.py \
	tests/asyncio/03_await_pending.py \
	tests/asyncio/04_await_done.py \
	tests/asyncio/05_waiter_order.py \
	tests/asyncio/06_await_coro_inline.py \
	tests/asyncio/07_soon_later_sleep0.py \
	tests/asyncio/08_timer_order.py \
	tests/asyncio/09_sleep_two_hops.py \
	tests/asyncio/10_cancel_before_start.py \
	tests/asyncio/11_cancel_sleeping.py \
	tests/asyncio/12_cancel_chain.py \
	tests/asyncio/13_swallow_cancel.py \
	tests/asyncio/14_self_cancel_return.py \
	tests/asyncio/15_self_cancel_yield.py \
	tests/asyncio/16_self_cancel_await.py \
	tests/asyncio/17_cancel_after_complete.py \
	tests/asyncio/18_cancel_message_await.py \
	tests/asyncio/19_cancelling_counts.py \
	tests/asyncio/20_done_callbacks.py \
	tests/asyncio/21_remove_done_callback.py \
	tests/asyncio/22_callback_errors.py \
	tests/asyncio/23_all_tasks.py \
	tests/asyncio/24_names.py \
	tests/asyncio/25_result_states.py \
	tests/asyncio/26_await_self.py \
	tests/asyncio/27_coro_reuse.py \
	tests/asyncio/28_no_loop.py \
	tests/asyncio/29_shutdown_pending.py \
	tests/asyncio/30_shutdown_order.py \
	tests/asyncio/31_shutdown_main_error.py \
	tests/asyncio/32_never_retrieved.py \
	tests/asyncio/33_main_self_cancel.py \
	tests/asyncio/34_cancel_chain_twice.py \
	tests/asyncio/35_callbacks_in_callbacks.py \
	tests/asyncio/36_cancel_handle_queued.py \
	tests/asyncio/37_await_again_after_cancel.py \
	tests/asyncio/38_failed_waiters.py \
	tests/asyncio/39_done_callback_chain.py \
	tests/asyncio/40_event_wait_set.py \
	tests/asyncio/41_event_cancel.py \
	tests/asyncio/42_lock_fifo.py \
	tests/asyncio/43_lock_no_barging.py \
	tests/asyncio/44_lock_cancel.py \
	tests/asyncio/45_semaphore_fifo.py \
	tests/asyncio/46_semaphore_cancel.py \
	tests/asyncio/47_bounded_semaphore.py \
	tests/asyncio/48_condition_notify.py \
	tests/asyncio/49_condition_wait_for.py \
	tests/asyncio/50_condition_cancel.py \
	tests/asyncio/51_queue_fifo.py \
	tests/asyncio/52_queue_lifo_priority.py \
	tests/asyncio/53_queue_join.py \
	tests/asyncio/54_queue_cancel.py \
	tests/asyncio/55_queue_rewait.py \
	tests/asyncio/expected/01_create_order.txt \
	tests/asyncio/expected/02_sleep0_roundrobin.txt \
	tests/asyncio/expected/03_await_pending.txt \
	tests/asyncio/expected/04_await_done.txt \
	tests/asyncio/expected/05_waiter_order.txt \
	tests/asyncio/expected/06_await_coro_inline.txt \
	tests/asyncio/expected/07_soon_later_sleep0.txt \
	tests/asyncio/expected/08_timer_order.txt \
	tests/asyncio/expected/09_sleep_two_hops.txt \
	tests/asyncio/expected/10_cancel_before_start.txt \
	tests/asyncio/expected/11_cancel_sleeping.txt \
	tests/asyncio/expected/12_cancel_chain.txt \
	tests/asyncio/expected/13_swallow_cancel.txt \
	tests/asyncio/expected/14_self_cancel_return.txt \
	tests/asyncio/expected/15_self_cancel_yield.txt \
	tests/asyncio/expected/16_self_cancel_await.txt \
	tests/asyncio/expected/17_cancel_after_complete.txt \
	tests/asyncio/expected/18_cancel_message_await.txt \
	tests/asyncio/expected/19_cancelling_counts.txt \
	tests/asyncio/expected/20_done_callbacks.txt \
	tests/asyncio/expected/21_remove_done_callback.txt \
	tests/asyncio/expected/22_callback_errors.txt \
	tests/asyncio/expected/23_all_tasks.txt \
	tests/asyncio/expected/24_names.txt \
	tests/asyncio/expected/25_result_states.txt \
	tests/asyncio/expected/26_await_self.txt \
	tests/asyncio/expected/27_coro_reuse.txt \
	tests/asyncio/expected/28_no_loop.txt \
	tests/asyncio/expected/29_shutdown_pending.txt \
	tests/asyncio/expected/30_shutdown_order.txt \
	tests/asyncio/expected/31_shutdown_main_error.txt \
	tests/asyncio/expected/32_never_retrieved.txt \
	tests/asyncio/expected/33_main_self_cancel.txt \
	tests/asyncio/expected/34_cancel_chain_twice.txt \
	tests/asyncio/expected/35_callbacks_in_callbacks.txt \
	tests/asyncio/expected/36_cancel_handle_queued.txt \
	tests/asyncio/expected/37_await_again_after_cancel.txt \
	tests/asyncio/expected/38_failed_waiters.txt \
	tests/asyncio/expected/39_done_callback_chain.txt \
	tests/asyncio/expected/40_event_wait_set.txt \
	tests/asyncio/expected/41_event_cancel.txt \
	tests/asyncio/expected/42_lock_fifo.txt \
	tests/asyncio/expected/43_lock_no_barging.txt \
	tests/asyncio/expected/44_lock_cancel.txt \
	tests/asyncio/expected/45_semaphore_fifo.txt \
	tests/asyncio/expected/46_semaphore_cancel.txt \
	tests/asyncio/expected/47_bounded_semaphore.txt \
	tests/asyncio/expected/48_condition_notify.txt \
	tests/asyncio/expected/49_condition_wait_for.txt \
	tests/asyncio/expected/50_condition_cancel.txt \
	tests/asyncio/expected/51_queue_fifo.txt \
	tests/asyncio/expected/52_queue_lifo_priority.txt \
	tests/asyncio/expected/53_queue_join.txt \
	tests/asyncio/expected/54_queue_cancel.txt \
	tests/asyncio/expected/55_queue_rewait.txt \
	tests/asyncio/60_gather_order.py \
	tests/asyncio/expected/60_gather_order.txt \
	tests/asyncio/61_gather_first_error.py \
	tests/asyncio/expected/61_gather_first_error.txt \
	tests/asyncio/62_gather_return_exceptions.py \
	tests/asyncio/expected/62_gather_return_exceptions.txt \
	tests/asyncio/63_gather_cancel.py \
	tests/asyncio/expected/63_gather_cancel.txt \
	tests/asyncio/64_wait_modes.py \
	tests/asyncio/expected/64_wait_modes.txt \
	tests/asyncio/65_wait_timeout.py \
	tests/asyncio/expected/65_wait_timeout.txt \
	tests/asyncio/66_as_completed.py \
	tests/asyncio/expected/66_as_completed.txt \
	tests/asyncio/67_wait_for.py \
	tests/asyncio/expected/67_wait_for.txt \
	tests/asyncio/68_wait_for_cancel.py \
	tests/asyncio/expected/68_wait_for_cancel.txt \
	tests/asyncio/69_shield.py \
	tests/asyncio/expected/69_shield.txt \
	tests/asyncio/70_timeout_scope.py \
	tests/asyncio/expected/70_timeout_scope.txt \
	tests/asyncio/71_task_group_ok.py \
	tests/asyncio/expected/71_task_group_ok.txt \
	tests/asyncio/72_task_group_error.py \
	tests/asyncio/expected/72_task_group_error.txt \
	tests/asyncio/73_task_group_cancel.py \
	tests/asyncio/expected/73_task_group_cancel.txt \
	tests/asyncio/74_task_group_errors.py \
	tests/asyncio/expected/74_task_group_errors.txt \
	tests/asyncio/75_compose_nested.py \
	tests/asyncio/expected/75_compose_nested.txt

# Regenerates the expected traces with CPython (python3, 3.11) into the source tree.
regen-expected:
	$(SHELL) $(srcdir)/tests/asyncio/regen-expected $(srcdir)
