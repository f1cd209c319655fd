/* Debug mode (asyncio's debug mode) and the process-wide log handler. */
#ifndef WEFT_DEBUG_H
#define WEFT_DEBUG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runnable.h"
#include "weft.h"

struct weft_worker;

/* Passes one message to the log handler (formatted; a message too long for
 * memory is cut short rather than lost). Thread: any. */
void weft_log(weft_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Resolves config's debug settings with the environment (WEFT_DEBUG,
 * WEFT_DEBUG_SLOW): *debug, and *slow_step_ns (>= 1 when debug, 0 when not).
 * Returns 0, or WEFT_EINVAL for a negative or NaN slow_step_duration. */
int weft_debug_settings(const weft_config *config, bool *debug, int64_t *slow_step_ns);

/* Runs runnable as weft_runnable_run does, timing it: one that took at least
 * the worker's slow_step_ns is reported through the log handler. Called by
 * weft_runnable_run (worker.c) only in debug mode. */
void weft_debug_run_timed(struct weft_worker *worker, weft_runnable *runnable);

/* Debug mode: reports each task of tasks still pending, as the shutdown
 * named by who ("weft_run()") is about to cancel it. */
void weft_debug_report_pending(weft_executor *executor, weft_task *const *tasks, size_t count,
                               const char *who);

/* Debug mode, weft_executor_shutdown: reports every coroutine created on
 * executor and never handed over, once each (the caller still owns them). */
void weft_debug_report_fresh_coros(weft_executor *executor);

#endif
