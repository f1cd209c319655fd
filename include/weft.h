/*
 * weft.h - Python asyncio's Task model for C, on stackful coroutines.
 *
 * This is the only installed header and the contract of the library.
 *
 * Model (asyncio -> weft):
 *   async def f(arg)              int f(void *arg, void **result)   (0 = success)
 *   f(arg)  (coroutine object)    weft_coro_new(f, arg)
 *   asyncio.run(main())           weft_run(weft_coro_new(main, arg), &result)
 *   asyncio.create_task(c, name)  weft_task_create(c, name)
 *   await task / await coro       weft_await(task, &r) / weft_await_coro(coro, &r)
 *   raise / CancelledError        return a non-zero code / WEFT_ECANCELLED
 *   asyncio.sleep(0) / sleep(d)   weft_yield() / weft_sleep(d)
 *
 * Errors. Every function that can fail returns an int: 0 on success or a
 * negative WEFT_E* code; constructors return NULL instead. Either way the
 * failure is also recorded as the caller's "last error" (code and message,
 * see weft_last_error), the C stand-in for the exception asyncio would raise.
 * Codes returned by coroutines are the user's: any non-zero int that is not a
 * WEFT_E* code (positive values are a good convention). A coroutine's error
 * message travels with its code: weft_raise() sets it, and returning a code
 * received from weft (for instance from weft_await) carries its message on.
 *
 * Threads. Functions marked "task" may only be called from inside a running
 * task; "loop" from a task or a callback running on a worker of an executor;
 * "any" from any thread. Misplaced calls return WEFT_ENOLOOP or WEFT_ENOTASK,
 * never crash.
 *
 * Ownership. Tasks are reference counted: a function that returns a task
 * gives the caller one reference, released with weft_task_release(). The
 * executor keeps its own reference while the task is pending. A coroutine
 * is owned by whoever created it until it is handed to weft_task_create,
 * weft_executor_submit, weft_await_coro or weft_run, which take it over (on
 * success only); a coroutine is one-shot.
 */
#ifndef WEFT_H
#define WEFT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WEFT_VERSION_MAJOR 0
#define WEFT_VERSION_MINOR 1
#define WEFT_VERSION_PATCH 0

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */
/* ------------------------------------------------------------------------ */

/* Each code matches an exception asyncio raises in the same situation. */
typedef enum weft_error {
    WEFT_OK = 0,
    WEFT_EINVAL = -1001,      /* NULL or invalid argument (ValueError) */
    WEFT_ENOMEM = -1002,      /* allocation failed (MemoryError) */
    WEFT_ENOLOOP = -1003,     /* "no running event loop" (RuntimeError) */
    WEFT_ENOTCORO = -1004,    /* "a coroutine was expected, got None" (TypeError; NULL is None) */
    WEFT_EAWAITSELF = -1005,  /* "Task cannot await on itself" (RuntimeError) */
    WEFT_EAWAITED = -1006,    /* "coroutine is being awaited already" (RuntimeError) */
    WEFT_EREUSED = -1007,     /* "cannot reuse already awaited coroutine" (RuntimeError) */
    WEFT_ECANCELLED = -1008,  /* the task or the awaited task was cancelled (CancelledError) */
    WEFT_EINVALSTATE = -1009, /* "Result is not set." and friends (InvalidStateError) */
    WEFT_ERUNNING = -1010,    /* weft_run() inside a running loop (RuntimeError) */
    WEFT_ENOTASK = -1011,     /* a task-only call made outside a task */
    WEFT_ESHUTDOWN = -1012,   /* the executor is shutting down or shut down */
    WEFT_ETIMEDOUT = -1013,   /* a deadline passed (TimeoutError) */
    WEFT_ESYSTEM = -1014,     /* the operating system refused (thread, mmap...) */
    WEFT_EQUEUEEMPTY = -1015, /* a non-waiting get from an empty queue (QueueEmpty) */
    WEFT_EQUEUEFULL = -1016,  /* a non-waiting put into a full queue (QueueFull) */
    WEFT_EGROUP = -1017,      /* several children of a task group failed (ExceptionGroup) */
    WEFT_ENOTACQUIRED = -1018, /* "Lock is not acquired." (RuntimeError) */
    WEFT_EBUSY = -1019,       /* a process-wide setting changed while in use (RuntimeError) */
} weft_error;

/* A static, human-readable description of code (never NULL): for weft's
 * own codes the asyncio message, for others "unknown error". Thread: any. */
const char *weft_strerror(int code);

/* The short asyncio exception name for a code ("CancelledError",
 * "RuntimeError", ...), "Error" for user codes. Thread: any. */
const char *weft_error_name(int code);

/* The code and message of the last failure reported to the caller: inside a
 * task, the task's (it follows the task across threads); elsewhere, the
 * calling thread's. The message is owned by weft and valid until the next
 * failing weft call of the same task or thread; it may be NULL when the code
 * came with no message. Thread: any. */
int weft_last_error(void);
const char *weft_last_error_message(void);

/* Records code and a printf-style message as the caller's last error and
 * returns code, so a coroutine can write `return weft_raise(42, "bad %d", x);`
 * and the task's exception carries the message. fmt may be NULL. Thread: any. */
int weft_raise(int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ------------------------------------------------------------------------ */
/* Memory                                                                   */
/* ------------------------------------------------------------------------ */

/* Every heap allocation weft makes (tasks, coroutines, primitives, queues,
 * messages, executors) goes through one process-wide allocator, libc's
 * malloc/realloc/free unless replaced. Each function receives ctx. malloc
 * and realloc are never asked for 0 bytes and return NULL when out of
 * memory: weft then fails the call that needed the memory with WEFT_ENOMEM
 * (constructors return NULL), losing nothing: a task whose creation failed
 * was never scheduled, a task that cannot get a stack ends with WEFT_ENOMEM.
 * free is never given NULL. Calloc is built from malloc and memset. The
 * functions may be called from any thread, concurrently. Fiber stacks are
 * not heap memory: they come from mmap, and a mapping that fails ends the
 * task that needed it with WEFT_ENOMEM. */
typedef struct weft_allocator {
    void *(*malloc)(size_t size, void *ctx);
    void *(*realloc)(void *pointer, size_t size, void *ctx);
    void (*free)(void *pointer, void *ctx);
    void *ctx;
} weft_allocator;

/* Installs *allocator (copied) for every later allocation; NULL restores
 * libc's. Call it while no executor exists (none created, or all freed,
 * weft_run included), else it returns WEFT_EBUSY and changes nothing. No
 * weft object (coroutine, task, primitive, queue) may be alive either,
 * since memory must be freed by the allocator that gave it (weft cannot
 * check this one), and the calling thread's last error message, if any,
 * is also freed by it (weft_raise(0, NULL) drops it first). Returns 0,
 * WEFT_EINVAL (a NULL function) or WEFT_EBUSY. Thread: any, but not
 * concurrently with any other weft call. */
int weft_set_allocator(const weft_allocator *allocator);

/* ------------------------------------------------------------------------ */
/* Coroutines                                                               */
/* ------------------------------------------------------------------------ */

/* The body of a coroutine: return 0 and optionally store *result, or return
 * an error code. Returning WEFT_ECANCELLED ends the task cancelled. */
typedef int (*weft_fn)(void *arg, void **result);

typedef struct weft_coro weft_coro;

/* A coroutine object: fn(arg) not yet started, like calling an `async def`.
 * The macro records fn's name and the creation site for descriptions.
 * Returns NULL (last error WEFT_ENOTCORO for a NULL fn, WEFT_ENOMEM) on
 * failure. The caller owns it until a weft call takes it over; a coroutine
 * never handed over is reported as "never awaited" by weft_coro_free and,
 * if created inside weft_run, at that run's shutdown. Thread: any. */
#define weft_coro_new(fn, arg) weft_coro_new_named((fn), (arg), #fn, __FILE__, __LINE__)
weft_coro *weft_coro_new_named(weft_fn fn, void *arg, const char *name, const char *file, int line);

/* Frees a coroutine the caller still owns (never handed over). Warns
 * "coroutine 'NAME' was never awaited" through the exception handler, as
 * asyncio does when such a coroutine is garbage collected (unless a debug
 * mode executor's shutdown reported it already). Returns 0,
 * WEFT_EINVAL (NULL) or WEFT_EINVALSTATE (owned by a task: release the
 * task instead). Thread: any. */
int weft_coro_free(weft_coro *coro);

/* The function name given at creation ("main"). Borrowed. Thread: any. */
const char *weft_coro_get_name(const weft_coro *coro);

/* Writes "<coroutine object NAME at 0xADDR>" into buf (snprintf rules) and
 * returns the length it needed, or a negative code. Thread: any. */
int weft_coro_describe(const weft_coro *coro, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Tasks                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct weft_task weft_task;
typedef struct weft_executor weft_executor;

/* Wraps coro in a task scheduled on the running loop; its first step runs one
 * hop later, after everything already queued. name is copied; NULL means
 * "Task-N" from the process-wide counter (named tasks take no number).
 * Returns a new reference, or NULL with last error WEFT_ENOTCORO (NULL coro),
 * WEFT_EREUSED (coro already ran), WEFT_EAWAITED (coro is running),
 * WEFT_ENOLOOP (no running loop; coro stays the caller's), WEFT_ENOMEM,
 * WEFT_ESHUTDOWN. On success the task owns coro. Thread: loop. */
weft_task *weft_task_create(weft_coro *coro, const char *name);

/* Shorthand for weft_task_create(weft_coro_new(fn, arg), NULL) with one
 * allocation instead of two: the fast path for fork-join code. Same errors
 * (WEFT_ENOTCORO for a NULL fn). Thread: loop. */
#define weft_spawn(fn, arg) weft_spawn_named((fn), (arg), #fn, __FILE__, __LINE__)
weft_task *weft_spawn_named(weft_fn fn, void *arg, const char *name, const char *file, int line);

/* Reference counting. Retain returns task. Release frees the task once the
 * last reference is gone (the executor holds one while it is pending); both
 * accept NULL and do nothing. A
 * failed task whose error nobody retrieved is reported then, as asyncio's
 * "Task exception was never retrieved". Thread: any. */
weft_task *weft_task_retain(weft_task *task);
void weft_task_release(weft_task *task);

/* Waits for task to finish and returns its outcome: 0 and *result (result
 * may be NULL), the task's error code with its message, or WEFT_ECANCELLED.
 * An already finished task returns at once without suspending. If the
 * calling task is cancelled while waiting, the cancellation is passed on to
 * the awaited task (asyncio semantics) and the outcome is whatever that task
 * ends with. Errors: WEFT_EINVAL, WEFT_ENOTASK, WEFT_EAWAITSELF (delivered
 * after one hop, as asyncio does). Thread: task.
 * In LIFO order (WEFT_ORDER_LIFO), a task that has not started yet and is
 * the newest work of the calling worker runs at once on the caller's stack,
 * as a function call (it is still its own task: name, current task, outcome
 * and cancellation are its own). It then has at least half of the stack
 * size; the caller lends its stack only while half of it is free. Never in
 * FIFO order, which keeps asyncio's order. */
int weft_await(weft_task *task, void **result);

/* Runs a fresh coroutine inline in the calling task, like `await coro()`:
 * no new task, no hop unless it suspends, current task unchanged. Takes over
 * and frees coro when it finishes. Errors: WEFT_ENOTCORO (NULL),
 * WEFT_EAWAITED (it is running), WEFT_EREUSED (it already ran: possible for
 * a coroutine reached through weft_task_get_coro), WEFT_ENOTASK. Thread: task. */
int weft_await_coro(weft_coro *coro, void **result);

/* The very coroutine object the task was created from, even after it is
 * done. Borrowed: valid as long as the task. Thread: any. */
weft_coro *weft_task_get_coro(const weft_task *task);

/* The task whose step is running on this thread, NULL in callbacks and
 * outside loops. Borrowed. Thread: any. */
weft_task *weft_current_task(void);

/* A snapshot of the running loop's tasks that are not done (in creation
 * order with one worker; worker by worker with several), each a new reference; free with weft_tasks_release. Returns 0,
 * WEFT_ENOLOOP, WEFT_EINVAL or WEFT_ENOMEM. Thread: loop. */
int weft_all_tasks(weft_task ***tasks, size_t *count);
void weft_tasks_release(weft_task **tasks, size_t count);

/* Requests cancellation, like Task.cancel(msg): returns 1 if the request was
 * made, 0 if the task is already done, or a negative code. A task waiting on
 * another task passes the request on to it. The task sees WEFT_ECANCELLED at
 * its next suspension point (or before its first step, in which case its
 * body never runs). msg (may be NULL) is copied. Thread: any. From a
 * thread other than the task's worker, as asyncio's
 * loop.call_soon_threadsafe(task.cancel), but applied at once: it reaches
 * whatever the task waits on, or its next wait or step, never neither
 * (a task that returns meanwhile ends cancelled, S6). The caller holds a
 * reference to task. */
int weft_task_cancel(weft_task *task, const char *msg);

/* How many cancel requests are outstanding (Task.cancelling()), and
 * uncancel() which decrements it and returns the new count. Thread: loop. */
int weft_task_cancelling(const weft_task *task);
int weft_task_uncancel(weft_task *task);

/* States. A NULL task is neither done nor cancelled. Thread: any. */
bool weft_task_done(const weft_task *task);
bool weft_task_cancelled(const weft_task *task);

/* The outcome of a done task: 0 and *result, its error code, or
 * WEFT_ECANCELLED with the cancel message as last error message (weft keeps
 * the message on every retrieval; see README). WEFT_EINVALSTATE
 * ("Result is not set.") while pending. Marks the error as retrieved.
 * Thread: any. */
int weft_task_result(weft_task *task, void **result);

/* The error of a done task: 0 if it succeeded, its error code if it failed,
 * WEFT_ECANCELLED if it was cancelled (the cancel message), WEFT_EINVALSTATE
 * ("Exception is not set.") while pending. *message (if message is not NULL)
 * receives the error's or the cancel's message, borrowed from the task, or
 * NULL; it is also the last error message.
 * message may be NULL. Marks the error as retrieved. Thread: any. */
int weft_task_exception(weft_task *task, const char **message);

/* Done callbacks run through the ready queue, never synchronously, in
 * registration order, once each registration. A non-zero return goes to
 * the exception handler. */
typedef int (*weft_done_fn)(weft_task *task, void *arg);

/* Adds a done callback (a task already done has it scheduled at once).
 * Returns 0, WEFT_EINVAL, WEFT_ENOMEM. Thread: loop. */
#define weft_task_add_done_callback(task, fn, arg) \
    weft_task_add_done_callback_named((task), (fn), (arg), #fn, __FILE__, __LINE__)
int weft_task_add_done_callback_named(weft_task *task, weft_done_fn fn, void *arg,
                                      const char *name, const char *file, int line);

/* Removes every pending registration of (fn, arg) and returns how many it
 * removed (0 once the task is done), or WEFT_EINVAL. Thread: loop. */
int weft_task_remove_done_callback(weft_task *task, weft_done_fn fn, void *arg);

/* The task's name ("Task-7" unless given). Borrowed, valid until the next
 * set_name or the task's release. Thread: any (not concurrently with
 * weft_task_set_name). */
const char *weft_task_get_name(weft_task *task);

/* Replaces the name (copied). Returns 0, WEFT_EINVAL, WEFT_ENOMEM.
 * Thread: loop. */
int weft_task_set_name(weft_task *task, const char *name);

/* Writes asyncio's repr into buf (snprintf rules), for example
 * <Task pending name='Task-1' coro=<main() running at main.c:12>>
 * and returns the length it needed, or a negative code. Thread: loop. */
int weft_task_describe(weft_task *task, char *buf, size_t size);

/* Gives other ready work one turn, like `await asyncio.sleep(0)`. Returns
 * 0, WEFT_ECANCELLED or WEFT_ENOTASK. Thread: task. */
int weft_yield(void);

/* Suspends the calling task for at least `seconds` (<= 0: like weft_yield).
 * Returns 0, WEFT_ECANCELLED, WEFT_EINVAL (NaN) or WEFT_ENOTASK. Thread: task. */
int weft_sleep(double seconds);

/* Records the source position shown in descriptions as "running at". The
 * suspension functions above do it for you through these macros. */
void weft_task_set_position(const char *file, int line);
#define weft_await(task, result) \
    (weft_task_set_position(__FILE__, __LINE__), weft_await((task), (result)))
#define weft_await_coro(coro, result) \
    (weft_task_set_position(__FILE__, __LINE__), weft_await_coro((coro), (result)))
#define weft_yield() (weft_task_set_position(__FILE__, __LINE__), weft_yield())
#define weft_sleep(seconds) (weft_task_set_position(__FILE__, __LINE__), weft_sleep(seconds))
/* A running task describing itself shows the line it is at, as Python does. */
#define weft_task_describe(task, buf, size) \
    (weft_task_set_position(__FILE__, __LINE__), weft_task_describe((task), (buf), (size)))

/* ------------------------------------------------------------------------ */
/* Composing tasks                                                          */
/* ------------------------------------------------------------------------ */

/* asyncio's gather, wait, as_completed, wait_for, timeout, shield and
 * TaskGroup. With one worker they keep asyncio's order and hop counts
 * (Python 3.11; wait_for and the TaskGroup's uncancel follow 3.12, see
 * README); with several workers the tasks involved may run, finish and be
 * cancelled on any worker, and a waiter may be woken from any of them.
 *
 * Timeouts are in seconds: zero or less means "due at once", NaN is
 * WEFT_EINVAL, and WEFT_NO_TIMEOUT (+infinity) means no deadline, like None
 * in asyncio. The functions that suspend record the caller's position for
 * descriptions, like weft_await. */
#define WEFT_NO_TIMEOUT HUGE_VAL

/* Waits for every task, like `await asyncio.gather(*tasks,
 * return_exceptions=return_errors)`; a task given twice is waited for once.
 * results[i] receives task i's result (NULL unless it succeeded) and
 * codes[i] its outcome (0, its error code, WEFT_ECANCELLED), or
 * WEFT_EINVALSTATE if it is still running when gather returns; either
 * array may be NULL. Returns:
 *   0 when every task succeeded, or with return_errors when every task is
 *     done, whatever their outcomes;
 *   without return_errors, the first failure seen (the task's code, or
 *     WEFT_ECANCELLED for a cancelled task), at once: the other tasks keep
 *     running, and their errors count as retrieved;
 *   WEFT_ECANCELLED when the calling task is cancelled while waiting: the
 *     cancel is passed on to every task still running (asyncio's
 *     _GatheringFuture.cancel), and gather returns when the first of them
 *     ends cancelled (with return_errors: when all are done);
 *   WEFT_EINVAL (a NULL array or task, a task of another executor, the
 *     calling task itself), WEFT_ENOMEM, WEFT_ENOTASK.
 * The message of the returned error is the last error message. count 0
 * returns 0 at once. Thread: task. */
int weft_gather(weft_task *const *tasks, size_t count, bool return_errors, void **results,
                int *codes);

/* The same over coroutines: each is wrapped in a new task in argument
 * order, as asyncio's gather does (they take Task-N numbers); a coroutine
 * given twice is wrapped once. The tasks take the coroutines over. If a
 * task cannot be created (WEFT_ENOTCORO, WEFT_EREUSED, WEFT_EAWAITED,
 * WEFT_ENOMEM), the tasks already created are cancelled and the coroutines
 * not yet wrapped stay the caller's. To read each task's message, create the
 * tasks yourself and use weft_gather. Thread: task. */
int weft_gather_coros(weft_coro *const *coros, size_t count, bool return_errors, void **results,
                      int *codes);

/* asyncio.wait's return_when. */
typedef enum weft_wait_when {
    WEFT_ALL_COMPLETED = 0, /* every task is done */
    WEFT_FIRST_COMPLETED,   /* any task is done */
    WEFT_FIRST_EXCEPTION,   /* a task failed (a cancel does not count), else all done */
} weft_wait_when;

/* Waits until `when` holds or timeout seconds have passed, like
 * asyncio.wait(tasks, timeout=timeout, return_when=when): it cancels nothing
 * and a timeout is not an error. done[i] (done may be NULL) tells whether
 * task i is done when it returns (asyncio's done and pending sets). A task
 * given twice counts once. Returns 0, WEFT_ECANCELLED (the calling task was
 * cancelled; the tasks were not), WEFT_EINVAL (count 0: "Set of
 * Tasks/Futures is empty.", a NULL task, a task of another executor, an
 * unknown when, a NaN timeout), WEFT_ENOMEM, WEFT_ENOTASK. Thread: task. */
int weft_wait(weft_task *const *tasks, size_t count, double timeout, weft_wait_when when,
              bool *done);

typedef struct weft_as_completed weft_as_completed;

/* asyncio.as_completed(tasks, timeout=timeout): an iterator that hands out
 * the tasks in the order they complete (a task given twice, once). It holds
 * a reference to each task. Returns NULL with last error WEFT_EINVAL (a NULL
 * task, a task of another executor, a NaN timeout), WEFT_ENOMEM or
 * WEFT_ENOLOOP. Thread: loop. */
weft_as_completed *weft_as_completed_new(weft_task *const *tasks, size_t count, double timeout);

/* Waits for the next task to complete, sets *task to it (borrowed from the
 * iterator) and returns its outcome as weft_await would. With *task set to
 * NULL it returns 0 once every task was handed out, WEFT_ETIMEDOUT
 * (TimeoutError) for each task left when the timeout passed, WEFT_ECANCELLED
 * when the calling task is cancelled while waiting (the iterator stays
 * usable), WEFT_EINVAL, WEFT_ENOTASK, or WEFT_EINVALSTATE when another task
 * is already waiting on the iterator (one consumer at a time). task must
 * not be NULL, result may be. Thread: task. */
int weft_as_completed_next(weft_as_completed *iterator, weft_task **task, void **result);

/* Frees the iterator and its references; the tasks go on. NULL is fine.
 * Thread: any. */
void weft_as_completed_free(weft_as_completed *iterator);

/* Awaits task with a deadline, like `await asyncio.wait_for(task, timeout)`
 * as Python 3.12 does it (a timeout scope around an await): if the
 * deadline passes first, the task is cancelled and awaited to its end, and
 * WEFT_ETIMEDOUT (TimeoutError) is returned, unless the task caught the
 * cancel and returned normally (then its outcome). timeout <= 0: a task not
 * yet done is cancelled and awaited at once (same result); WEFT_NO_TIMEOUT:
 * plain weft_await. Cancelling the caller cancels the task. Returns the
 * outcome as weft_await does, WEFT_ETIMEDOUT, WEFT_EINVAL, WEFT_ENOMEM,
 * WEFT_ENOTASK. Thread: task. */
int weft_wait_for(weft_task *task, double timeout, void **result);

/* The same for a coroutine, which it takes over: with a positive timeout
 * (or none) it runs inline in the calling task as weft_await_coro does;
 * with timeout <= 0 it is wrapped in a new task first, as asyncio does.
 * Also returns weft_await_coro's errors. Thread: task. */
int weft_wait_for_coro(weft_coro *coro, double timeout, void **result);

/* Awaits task without passing a cancel of the caller on to it, like
 * `await asyncio.shield(task)`: if the calling task is cancelled while
 * waiting, it gets WEFT_ECANCELLED and task keeps running; if task itself
 * is cancelled, the caller gets WEFT_ECANCELLED too. A done task gives its
 * outcome at once. Returns the outcome as weft_await does, WEFT_EINVAL (NULL,
 * another executor's task, the calling task), WEFT_ENOMEM, WEFT_ENOTASK.
 * Thread: task. */
int weft_shield(weft_task *task, void **result);

typedef struct weft_timeout weft_timeout;

/* Enters a timeout scope, `async with asyncio.timeout(delay) as scope`:
 * when the deadline passes before weft_timeout_exit, the calling task is
 * cancelled (a deadline already passed fires at the next turn of the loop);
 * exit then turns the WEFT_ECANCELLED the body leaves with into
 * WEFT_ETIMEDOUT. Scopes nest. *timeout receives a new scope that the caller
 * frees with weft_timeout_free. Returns 0, WEFT_EINVAL (NULL, NaN),
 * WEFT_ENOMEM, WEFT_ENOTASK. Thread: task. */
int weft_timeout_enter(weft_timeout **timeout, double delay);

/* The same with a deadline on the loop clock (weft_time), like
 * asyncio.timeout_at(when). Thread: task. */
int weft_timeout_enter_at(weft_timeout **timeout, double when);

/* Moves the deadline of an entered scope to loop time when (WEFT_NO_TIMEOUT:
 * none), Timeout.reschedule. Returns 0, WEFT_EINVAL, WEFT_ENOMEM, or
 * WEFT_EINVALSTATE once it expired or was left ("Cannot change state of
 * expiring Timeout"). Thread: the task that entered it. */
int weft_timeout_reschedule(weft_timeout *timeout, double when);

/* The deadline (WEFT_NO_TIMEOUT: none), and whether it passed while the
 * scope was entered (Timeout.expired()). Thread: any. */
double weft_timeout_when(const weft_timeout *timeout);
bool weft_timeout_expired(const weft_timeout *timeout);

/* Leaves the scope, like Timeout.__aexit__. code is how the body ends (0,
 * an error, WEFT_ECANCELLED). If the deadline fired, the task's cancel
 * request is withdrawn (uncancel) and, when code is WEFT_ECANCELLED and no
 * other cancel was requested since the enter, WEFT_ETIMEDOUT is returned
 * (recorded as last error); otherwise code is returned unchanged, its
 * message untouched. WEFT_EINVALSTATE if the scope is not entered,
 * WEFT_EINVAL (NULL). Thread: the task that entered it. */
int weft_timeout_exit(weft_timeout *timeout, int code);

/* Frees a scope; one still entered is disarmed first (without uncancel).
 * NULL is fine. Thread: any. */
void weft_timeout_free(weft_timeout *timeout);

typedef struct weft_task_group weft_task_group;

/* One failure collected by a task group: the C stand-in for one member of
 * the ExceptionGroup asyncio raises. */
typedef struct weft_task_error {
    weft_task *task;     /* the failed child (the group's reference), NULL for the body */
    int code;            /* its error code */
    const char *message; /* its message (owned by the group), may be NULL */
} weft_task_error;

/* A task group entered by the calling task, its parent: `async with
 * asyncio.TaskGroup() as group`. Returns NULL with last error WEFT_ENOTASK,
 * WEFT_ENOLOOP or WEFT_ENOMEM. Thread: task. */
weft_task_group *weft_task_group_new(void);

/* Creates a child, TaskGroup.create_task: weft_task_create, and the group
 * waits for it. The first child that fails (any error but a cancel) makes
 * the group cancel the other children and the parent, whose body then sees
 * WEFT_ECANCELLED at its next suspension point. Returns a new reference, or
 * NULL with weft_task_create's errors or WEFT_ESHUTDOWN ("TaskGroup is
 * shutting down" once a child failed, "TaskGroup is finished" once left);
 * on failure the coroutine stays the caller's. Thread: loop (the parent or
 * any task of its executor). */
weft_task *weft_task_group_create_task(weft_task_group *group, weft_coro *coro, const char *name);

/* weft_task_group_create_task(group, weft_coro_new(fn, arg), NULL) in one
 * allocation, like weft_spawn. */
#define weft_task_group_spawn(group, fn, arg) \
    weft_task_group_spawn_named((group), (fn), (arg), #fn, __FILE__, __LINE__)
weft_task *weft_task_group_spawn_named(weft_task_group *group, weft_fn fn, void *arg,
                                       const char *name, const char *file, int line);

/* Leaves the group, TaskGroup.__aexit__: code is how the body ends (0, its
 * error, or WEFT_ECANCELLED). A body that failed or was cancelled first
 * cancels the children; then every child is waited for (a cancel of the
 * parent meanwhile is passed on to them). The cancel the group itself made
 * on a failure is withdrawn (uncancel). Returns:
 *   0 when nothing failed;
 *   WEFT_EGROUP ("unhandled errors in a TaskGroup (N sub-exceptions)") when
 *     children failed or the body failed: weft_task_group_errors lists them;
 *   WEFT_ECANCELLED when the parent was cancelled (by the body's code or
 *     from outside, not by the group) and nothing failed;
 *   the body's own code and message when the body failed, no child was
 *     ever created and there is no memory to list its error (a child's
 *     creation reserves the room for its error and the body's, so a
 *     failure is never dropped);
 *   WEFT_EINVAL (NULL, not the parent, left already), WEFT_ENOTASK.
 * Thread: the parent task. */
int weft_task_group_wait(weft_task_group *group, int code);

/* The failures collected: children in the order their failures were seen,
 * then the body's. *errors (may be NULL) points into the group; once
 * weft_task_group_wait has returned it stays valid until the group is
 * freed. Returns the count. Thread: the parent task. */
size_t weft_task_group_errors(const weft_task_group *group, const weft_task_error **errors);

/* Frees the group. Children still running (wait was not called) are
 * cancelled. NULL is fine. Thread: loop. */
void weft_task_group_free(weft_task_group *group);

#define weft_gather(tasks, count, return_errors, results, codes)                                  \
    (weft_task_set_position(__FILE__, __LINE__),                                                 \
     weft_gather((tasks), (count), (return_errors), (results), (codes)))
#define weft_gather_coros(coros, count, return_errors, results, codes)                            \
    (weft_task_set_position(__FILE__, __LINE__),                                                 \
     weft_gather_coros((coros), (count), (return_errors), (results), (codes)))
#define weft_wait(tasks, count, timeout, when, done)                                              \
    (weft_task_set_position(__FILE__, __LINE__),                                                 \
     weft_wait((tasks), (count), (timeout), (when), (done)))
#define weft_as_completed_next(iterator, task, result)                                            \
    (weft_task_set_position(__FILE__, __LINE__),                                                 \
     weft_as_completed_next((iterator), (task), (result)))
#define weft_wait_for(task, timeout, result)                                                      \
    (weft_task_set_position(__FILE__, __LINE__), weft_wait_for((task), (timeout), (result)))
#define weft_wait_for_coro(coro, timeout, result)                                                 \
    (weft_task_set_position(__FILE__, __LINE__), weft_wait_for_coro((coro), (timeout), (result)))
#define weft_shield(task, result)                                                                 \
    (weft_task_set_position(__FILE__, __LINE__), weft_shield((task), (result)))
#define weft_task_group_wait(group, code)                                                         \
    (weft_task_set_position(__FILE__, __LINE__), weft_task_group_wait((group), (code)))

/* ------------------------------------------------------------------------ */
/* Running                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum weft_order {
    WEFT_ORDER_DEFAULT = 0, /* FIFO with one worker, LIFO with several */
    WEFT_ORDER_FIFO,        /* the ready queue behaves like asyncio's */
    WEFT_ORDER_LIFO,        /* depth first; thieves take the oldest work */
} weft_order;

typedef struct weft_exception_context weft_exception_context;
typedef void (*weft_exception_handler)(weft_executor *executor,
                                       const weft_exception_context *context, void *arg);

typedef struct weft_config {
    unsigned workers;        /* worker loops; 0 = the WEFT_WORKERS environment
                              * variable if it holds a count from 1 to 1024
                              * (decimal digits only), else (unset, empty,
                              * "0", "-3", "abc", "4x", too large: no error)
                              * the number of online CPUs, at most 1024 */
    weft_order order;        /* ready-queue order policy */
    size_t stack_size;       /* usable bytes per task stack; 0 = 64 KiB */
    bool guard_pages;        /* a PROT_NONE page under every stack */
    weft_exception_handler exception_handler; /* NULL = the default (stderr) */
    void *exception_handler_arg;
    double shutdown_grace;   /* seconds a shutdown waits for cancelled tasks
                              * to finish before abandoning them (see
                              * weft_executor_shutdown); 0 = the default,
                              * WEFT_SHUTDOWN_GRACE_DEFAULT; WEFT_NO_TIMEOUT
                              * waits for ever, as asyncio does */
    /* Debug mode (asyncio's debug mode; see "Debug mode" below). Also on,
     * whatever this says, when the WEFT_DEBUG environment variable is set
     * to anything but "" or "0" at executor creation. */
    bool debug;
    /* In debug mode, a step that runs at least this many seconds without
     * suspending is reported (asyncio's slow_callback_duration). 0 = the
     * WEFT_DEBUG_SLOW environment variable (seconds) if it holds a valid
     * number, else 0.1. Negative or NaN: WEFT_EINVAL at creation. */
    double slow_step_duration;
} weft_config;

#define WEFT_SHUTDOWN_GRACE_DEFAULT 10.0

/* Fills config with the defaults (debug off, slow_step_duration 0,
 * shutdown_grace 0).
 * Thread: any. */
void weft_config_init(weft_config *config);

/* Runs main on a new loop in the calling thread, like asyncio.run(): when main
 * is done, the tasks still pending are cancelled and run to completion, never
 * awaited coroutines are reported, and everything is freed. Returns main's
 * outcome as weft_await would (message in weft_last_error_message()).
 * Takes over main (also on failure, except for WEFT_ERUNNING). Errors:
 * WEFT_ENOTCORO (NULL), WEFT_ERUNNING (called from a running loop),
 * WEFT_EREUSED, WEFT_ENOMEM, WEFT_ESYSTEM, WEFT_EINVAL (a bad config).
 * The shutdown follows weft_executor_shutdown's rule: tasks still pending
 * config->shutdown_grace seconds after they were cancelled are abandoned and
 * reported; weft_run then returns main's error if main failed, else
 * WEFT_ETIMEDOUT (*result is not set). Thread: any non-worker thread. */
int weft_run(weft_coro *main, void **result);
/* The same with settings. weft_run(main, r) is weft_run_with(NULL, main, r)
 * and always uses one worker: asyncio's semantics. With a config the calling
 * thread becomes worker 0 and config->workers - 1 threads join it. */
int weft_run_with(const weft_config *config, weft_coro *main, void **result);

/* The executor running the calling task or callback, or NULL. Borrowed.
 * Thread: any. */
weft_executor *weft_executor_current(void);

/* An executor with its own worker threads, for programs that keep one alive
 * across many submissions (the threads start at once and park when idle).
 * Returns 0 and *executor, or WEFT_EINVAL, WEFT_ENOMEM, WEFT_ESYSTEM.
 * Thread: any non-worker thread. */
int weft_executor_create(const weft_config *config, weft_executor **executor);

/* Blocks the calling thread (not a worker) until task is done and returns
 * its outcome as weft_await does, like
 * asyncio.run_coroutine_threadsafe(coro, loop).result(). Errors: WEFT_EINVAL,
 * WEFT_ERUNNING (called on a worker: use weft_await). Thread: non-worker. */
int weft_executor_wait(weft_task *task, void **result);

/* Stops taking new work (submissions then fail with WEFT_ESHUTDOWN),
 * cancels the tasks still pending (once each, as asyncio does; tasks they
 * create meanwhile are cancelled in turn), runs them to completion, then
 * stops and joins the worker threads. Idempotent: a second call returns 0.
 *
 * Shutdown never waits for ever on a task that ignores cancellation (one
 * that catches WEFT_ECANCELLED and keeps waiting, sleeping or yielding):
 * the tasks still pending config.shutdown_grace seconds after the shutdown
 * began are abandoned. Each is reported through the exception handler
 * ("task abandoned at shutdown", WEFT_ETIMEDOUT), is never resumed again,
 * and stays readable (not done) through the references held on it. Since C
 * frames cannot be unwound, the stacks they sit on and the executor's memory
 * are then deliberately never freed. The one case weft cannot bound is a
 * task that never suspends: its worker thread cannot be joined.
 *
 * Returns 0, WEFT_ETIMEDOUT (tasks were abandoned), WEFT_EINVAL (NULL, an
 * executor already freed or made by weft_run), WEFT_ERUNNING (on a worker).
 * Thread: any non-worker thread. */
int weft_executor_shutdown(weft_executor *executor);

/* Shuts down if needed, then drops the caller's hold on executor. Tasks
 * still referenced stay readable; the memory goes with the last of them.
 * weft keeps a list of live executors, so a call given an executor that was
 * freed (a second free, a submit after free) is refused with WEFT_EINVAL
 * instead of reading freed memory; an executor created later at the same
 * address is indistinguishable, so do not rely on this. NULL is ignored;
 * on a worker thread it does nothing (last error WEFT_ERUNNING); the last
 * error is WEFT_ETIMEDOUT when the shutdown abandoned tasks.
 * Thread: any non-worker thread. */
void weft_executor_free(weft_executor *executor);

/* Counters of one executor (summed over its workers), for tuning. */
typedef struct weft_executor_stats {
    unsigned workers;
    uint64_t tasks_run;   /* task steps executed */
    uint64_t steals;      /* runnables taken from another worker */
    uint64_t parks;       /* times a worker went to sleep for lack of work */
    uint64_t wakeups;     /* times a parked worker was woken for new work */
} weft_executor_stats;
/* Fills *stats. Returns 0 or WEFT_EINVAL (NULL, a freed executor).
 * Thread: any. */
int weft_executor_get_stats(const weft_executor *executor, weft_executor_stats *stats);

/* Wraps coro in a task of executor, like loop.create_task(coro, name=name)
 * or asyncio.ensure_future: the same rules and errors as weft_task_create,
 * plus WEFT_EINVAL for a NULL or freed executor (checked before coro, which
 * then stays the caller's) and WEFT_ESHUTDOWN once shutdown has begun.
 * From another thread the task goes through the executor's inject queue and
 * wakes a sleeping loop (like call_soon_threadsafe); the caller may poll
 * weft_task_done and read weft_task_result from that thread. Thread: any. */
weft_task *weft_executor_submit(weft_executor *executor, weft_coro *coro, const char *name);

/* ------------------------------------------------------------------------ */
/* Synchronization primitives: Event, Lock, Semaphore, Condition, Queue     */
/* ------------------------------------------------------------------------ */

/* asyncio's locks and queues (asyncio.Event, Lock, Semaphore,
 * BoundedSemaphore, Condition, Queue, LifoQueue, PriorityQueue). A waiting
 * call suspends the calling task, never its worker thread; waiters are
 * served in the order they began waiting, each woken one loop hop after the
 * call that wakes it, exactly as CPython 3.11 does with one worker (the
 * README lists the one deliberate difference, in Condition). Every
 * primitive may be shared by tasks on different workers, and by tasks of
 * different executors.
 *
 * Threads:
 *   - waiting calls (weft_event_wait, weft_lock_acquire,
 *     weft_semaphore_acquire, weft_condition_acquire/wait/wait_for,
 *     weft_queue_put/get/join) are "task" calls: from a callback they return
 *     WEFT_ENOTASK, outside any loop WEFT_ENOLOOP;
 *   - every non-waiting call (set, clear, release, notify, put_nowait,
 *     get_nowait, task_done, the queries) may be made from any thread,
 *     workers and plain threads alike: a task it wakes is queued on that
 *     task's own executor;
 *   - the *_blocking calls are for threads that are not workers (a producer
 *     thread feeding a queue, say): they park the calling thread on a
 *     condition variable, in the same FIFO as the tasks, and return
 *     WEFT_ERUNNING on a worker thread (from a task or a callback alike),
 *     whose loop they would stall. Their timeout is in seconds; a negative
 *     timeout waits without limit; WEFT_ETIMEDOUT when it passes (the
 *     thread then leaves the primitive as if it had never waited, like a
 *     cancelled task), WEFT_EINVAL when it is NaN. A blocked thread belongs
 *     to no executor: shutting one down does not wake it (a task it waits
 *     for may still release or set the primitive while it is cancelled);
 *     use a timeout when the other side may never come. A woken thread is
 *     served like a woken task: it owns the next turn (no barging).
 *
 * Cancellation. A task cancelled while it waits returns WEFT_ECANCELLED
 * (the cancel message as last error) and leaves the primitive as if it had
 * never waited: a wake-up it had already received passes to the next
 * waiter, as asyncio does, so nothing is lost.
 *
 * Lifetime. weft_X_new returns 0 and *out, or WEFT_EINVAL / WEFT_ENOMEM.
 * weft_X_free frees the primitive and returns 0 (NULL is accepted), or
 * refuses with WEFT_EINVALSTATE and frees nothing while a task or thread is
 * still inside a waiting call on it (woken but not yet returned included):
 * free it once those calls have returned. Items still in a queue are the
 * caller's; the queue forgets them. */
typedef struct weft_event weft_event;
typedef struct weft_lock weft_lock;
typedef struct weft_semaphore weft_semaphore;
typedef struct weft_condition weft_condition;
typedef struct weft_queue weft_queue;

/* Event (asyncio.Event): a flag tasks can wait for; starts cleared. */
int weft_event_new(weft_event **out);
int weft_event_free(weft_event *event);
/* Sets the flag and wakes every waiter, in the order they began waiting
 * (a no-op when already set). Returns 0 or WEFT_EINVAL. Thread: any. */
int weft_event_set(weft_event *event);
/* Clears the flag; waiters already woken still return 0. Returns 0 or
 * WEFT_EINVAL. Thread: any. */
int weft_event_clear(weft_event *event);
/* Whether the flag is set (false for NULL). Thread: any. */
bool weft_event_is_set(const weft_event *event);
/* Returns 0 at once if the flag is set (no suspension), else suspends until
 * weft_event_set. Errors: WEFT_ECANCELLED, WEFT_EINVAL, WEFT_ENOTASK,
 * WEFT_ENOLOOP. Thread: task. */
int weft_event_wait(weft_event *event);
/* weft_event_wait for a thread that is not a worker. Returns 0,
 * WEFT_ETIMEDOUT, WEFT_ERUNNING, WEFT_EINVAL. Thread: non-worker. */
int weft_event_wait_blocking(weft_event *event, double timeout);

/* Lock (asyncio.Lock): not owned, so any task or thread may release it. */
int weft_lock_new(weft_lock **out);
int weft_lock_free(weft_lock *lock);
/* Takes the lock without suspending when it is free and no live waiter is
 * queued; otherwise waits at the back of the FIFO. A released lock goes to
 * the first waiter, which takes it when it runs: a task arriving meanwhile
 * queues behind it (no barging). Returns 0, WEFT_ECANCELLED (the lock is
 * not held then), WEFT_EINVAL, WEFT_ENOTASK, WEFT_ENOLOOP. Thread: task. */
int weft_lock_acquire(weft_lock *lock);
/* weft_lock_acquire for a thread that is not a worker: takes the lock at
 * once when weft_lock_acquire would, else waits in the same FIFO as the
 * tasks (a task arriving while it waits queues behind it, and it behind
 * earlier tasks). On 0 the lock is held; release it with weft_lock_release
 * from this or any thread. Returns 0, WEFT_ETIMEDOUT (not held),
 * WEFT_ERUNNING, WEFT_EINVAL, WEFT_ESYSTEM. Thread: non-worker. */
int weft_lock_acquire_blocking(weft_lock *lock, double timeout);
/* Unlocks and wakes the first waiter. Returns 0, WEFT_ENOTACQUIRED ("Lock is
 * not acquired.") when unlocked, WEFT_EINVAL. Thread: any. */
int weft_lock_release(weft_lock *lock);
/* Whether the lock is held (false for NULL). Thread: any. */
bool weft_lock_locked(const weft_lock *lock);

/* Semaphore (asyncio.Semaphore; asyncio.BoundedSemaphore when bounded):
 * value permits, value >= 0 (WEFT_EINVAL "Semaphore initial value must be
 * >= 0" otherwise). A bounded semaphore refuses to be released above its
 * initial value. */
int weft_semaphore_new(int value, bool bounded, weft_semaphore **out);
int weft_semaphore_free(weft_semaphore *semaphore);
/* Takes a permit without suspending when one is free and no live waiter is
 * queued, else waits in FIFO order. Returns 0, WEFT_ECANCELLED (no permit
 * held then), WEFT_EINVAL, WEFT_ENOTASK, WEFT_ENOLOOP. Thread: task. */
int weft_semaphore_acquire(weft_semaphore *semaphore);
/* weft_semaphore_acquire for a thread that is not a worker (bounded or
 * not), in the same FIFO as the tasks. On 0 the caller holds a permit, to
 * give back with weft_semaphore_release from any thread. Returns 0,
 * WEFT_ETIMEDOUT (no permit held), WEFT_ERUNNING, WEFT_EINVAL,
 * WEFT_ESYSTEM. Thread: non-worker. */
int weft_semaphore_acquire_blocking(weft_semaphore *semaphore, double timeout);
/* Returns a permit and wakes the first waiter. Returns 0, WEFT_EINVAL
 * ("BoundedSemaphore released too many times", or NULL). Thread: any. */
int weft_semaphore_release(weft_semaphore *semaphore);
/* Whether an acquire would wait: no permit left, or live waiters queued
 * (false for NULL). Thread: any. */
bool weft_semaphore_locked(const weft_semaphore *semaphore);

/* Condition (asyncio.Condition) over lock, which must outlive it; NULL
 * gives it a lock of its own, freed with it. */
int weft_condition_new(weft_lock *lock, weft_condition **out);
int weft_condition_free(weft_condition *condition);
/* The underlying lock's weft_lock_acquire / release / locked. */
int weft_condition_acquire(weft_condition *condition);
int weft_condition_release(weft_condition *condition);
bool weft_condition_locked(const weft_condition *condition);
/* Releases the lock, waits for a notify, then takes the lock again before
 * returning, whatever happens (a cancel while re-acquiring is kept for
 * after). Returns 0, WEFT_ECANCELLED (lock held), WEFT_ENOTACQUIRED
 * ("cannot wait on un-acquired lock"), WEFT_EINVAL, WEFT_ENOTASK,
 * WEFT_ENOLOOP. Thread: task. */
int weft_condition_wait(weft_condition *condition);
/* The same for a thread that is not a worker. acquire_blocking is the
 * lock's weft_lock_acquire_blocking (use it to hold a lock the condition
 * made itself). wait_blocking needs the lock held (by this thread through
 * acquire_blocking, typically; the lock is not owned, as in asyncio);
 * it releases it, waits in the same FIFO as waiting tasks for a notify
 * (which may come from a task or a thread holding the lock), then takes
 * the lock back, without limit, before returning: on 0 and on
 * WEFT_ETIMEDOUT (no notify within timeout) the lock is held again. The
 * other returns: WEFT_ENOTACQUIRED (lock not held), WEFT_ERUNNING,
 * WEFT_EINVAL, and WEFT_ESYSTEM (lock not held). Thread: non-worker. */
int weft_condition_acquire_blocking(weft_condition *condition, double timeout);
int weft_condition_wait_blocking(weft_condition *condition, double timeout);
/* Called with the lock held: returns true when the awaited state holds. */
typedef bool (*weft_predicate_fn)(void *arg);
/* Waits until predicate(arg) is true, checking it first and after every
 * wake-up, always with the lock held. Returns 0 when it is true, or an
 * error of weft_condition_wait. Thread: task. */
int weft_condition_wait_for(weft_condition *condition, weft_predicate_fn predicate, void *arg);
/* Wakes up to n waiters (in FIFO order) / every waiter, tasks and threads
 * alike. The caller must hold the lock: a task through
 * weft_condition_acquire, a plain thread through
 * weft_condition_acquire_blocking (the lock is not owned, so only "nobody
 * holds it" is detected: WEFT_ENOTACQUIRED "cannot notify on un-acquired
 * lock"); woken waiters return once they re-acquire it. Returns 0 or an
 * error. Thread: any. */
int weft_condition_notify(weft_condition *condition, size_t n);
int weft_condition_notify_all(weft_condition *condition);

/* Queue (asyncio.Queue, LifoQueue, PriorityQueue) of void * items, which
 * stay the caller's. */
typedef enum weft_queue_kind {
    WEFT_QUEUE_FIFO,     /* first in, first out (asyncio.Queue) */
    WEFT_QUEUE_LIFO,     /* last in, first out (asyncio.LifoQueue) */
    WEFT_QUEUE_PRIORITY, /* smallest first by compare (asyncio.PriorityQueue) */
} weft_queue_kind;
/* Orders two items of a priority queue: negative when a comes first. Called
 * with the queue's internal lock held: it must not call weft. Items that
 * compare equal leave in the order of heapq, as in CPython. */
typedef int (*weft_compare_fn)(const void *a, const void *b);

/* maxsize 0 is unbounded; compare is required for WEFT_QUEUE_PRIORITY and
 * ignored otherwise. */
int weft_queue_new(size_t maxsize, weft_queue_kind kind, weft_compare_fn compare,
                   weft_queue **out);
int weft_queue_free(weft_queue *queue);
/* Adds item, waiting while the queue is full. A put wakes the first waiting
 * getter; a woken getter that finds the queue empty again (a get_nowait
 * came first) waits again at the back, as in asyncio. Returns 0,
 * WEFT_ECANCELLED (item not added), WEFT_ENOMEM, WEFT_EINVAL, WEFT_ENOTASK,
 * WEFT_ENOLOOP. Thread: task. */
int weft_queue_put(weft_queue *queue, void *item);
/* Removes the next item into *item (item may be NULL: the item is dropped),
 * waiting while the queue is empty. Returns 0, WEFT_ECANCELLED (nothing
 * removed), WEFT_EINVAL, WEFT_ENOTASK, WEFT_ENOLOOP. Thread: task. */
int weft_queue_get(weft_queue *queue, void **item);
/* Without waiting: 0, WEFT_EQUEUEFULL / WEFT_EQUEUEEMPTY (asyncio's
 * QueueFull / QueueEmpty, no message), WEFT_ENOMEM, WEFT_EINVAL.
 * Thread: any. */
int weft_queue_put_nowait(weft_queue *queue, void *item);
int weft_queue_get_nowait(weft_queue *queue, void **item);
/* Every put counts an unfinished item; task_done marks one processed and
 * join waits (without suspending when there are none) until all are.
 * task_done returns 0, WEFT_EINVAL ("task_done() called too many times");
 * Thread: any. join returns 0, WEFT_ECANCELLED, WEFT_EINVAL, WEFT_ENOTASK,
 * WEFT_ENOLOOP; Thread: task. */
int weft_queue_task_done(weft_queue *queue);
int weft_queue_join(weft_queue *queue);
/* The blocking counterparts for threads that are not workers, with the
 * same order and rules. Each returns 0, WEFT_ETIMEDOUT (nothing added or
 * removed), WEFT_ERUNNING, WEFT_ENOMEM, WEFT_EINVAL. Thread: non-worker. */
int weft_queue_put_blocking(weft_queue *queue, void *item, double timeout);
int weft_queue_get_blocking(weft_queue *queue, void **item, double timeout);
int weft_queue_join_blocking(weft_queue *queue, double timeout);
/* Items in the queue, the maxsize given (0: unbounded), whether it is empty
 * / full (never full when unbounded). NULL reads as an empty, unbounded
 * queue. A snapshot when other threads use the queue. Thread: any. */
size_t weft_queue_qsize(const weft_queue *queue);
size_t weft_queue_maxsize(const weft_queue *queue);
bool weft_queue_empty(const weft_queue *queue);
bool weft_queue_full(const weft_queue *queue);

/* ------------------------------------------------------------------------ */
/* Low-level loop calls: callbacks, timers, clock, exception handler        */
/* ------------------------------------------------------------------------ */

typedef int (*weft_callback_fn)(void *arg);
typedef struct weft_handle weft_handle;

/* Schedules fn(arg) at the tail of the ready queue (loop.call_soon). If handle
 * is not NULL it receives a new reference the caller must release with
 * weft_handle_release; it can cancel the call. Returns 0, WEFT_EINVAL,
 * WEFT_ENOMEM, WEFT_ESHUTDOWN. Thread: loop. */
#define weft_call_soon(executor, fn, arg, handle) \
    weft_call_soon_named((executor), (fn), (arg), (handle), #fn, __FILE__, __LINE__)
int weft_call_soon_named(weft_executor *executor, weft_callback_fn fn, void *arg,
                         weft_handle **handle, const char *name, const char *file, int line);

/* Schedules fn(arg) after delay seconds (loop.call_later; <= 0 means the next
 * iteration) or at loop time `when` (loop.call_at). Equal deadlines run in
 * the order they were scheduled. Same returns and rules as weft_call_soon,
 * plus WEFT_EINVAL for a NaN time. Thread: loop. */
#define weft_call_later(executor, delay, fn, arg, handle) \
    weft_call_later_named((executor), (delay), (fn), (arg), (handle), #fn, __FILE__, __LINE__)
#define weft_call_at(executor, when, fn, arg, handle) \
    weft_call_at_named((executor), (when), (fn), (arg), (handle), #fn, __FILE__, __LINE__)
int weft_call_later_named(weft_executor *executor, double delay, weft_callback_fn fn, void *arg,
                          weft_handle **handle, const char *name, const char *file, int line);
int weft_call_at_named(weft_executor *executor, double when, weft_callback_fn fn, void *arg,
                       weft_handle **handle, const char *name, const char *file, int line);

/* Cancels the call: it will not run if it has not yet. As in asyncio the
 * handle reads as cancelled afterwards even if the call already ran.
 * Returns 0 or WEFT_EINVAL. Thread: loop. */
int weft_handle_cancel(weft_handle *handle);
bool weft_handle_cancelled(const weft_handle *handle);
/* The loop time a timer is due at, -1 for call_soon handles. Release drops
 * the caller's reference (the loop keeps its own until the call ran or was
 * dropped). Thread: loop. */
double weft_handle_when(const weft_handle *handle);
void weft_handle_release(weft_handle *handle);

/* The loop clock in seconds (CLOCK_MONOTONIC), the time base of call_at.
 * Thread: any (executor may be NULL). */
double weft_time(const weft_executor *executor);

/* What the exception handler receives (asyncio's context dict). */
struct weft_exception_context {
    const char *message;       /* "Exception in callback ...", "Task exception was never retrieved" */
    int error;                 /* the error code, 0 if none */
    const char *error_message; /* its message, may be NULL */
    weft_task *task;           /* the task concerned, or NULL (borrowed) */
    const char *source;        /* the callback or coroutine "name() at file:line", or NULL */
};

/* Replaces the executor's handler (NULL restores the default). Returns 0 or
 * WEFT_EINVAL. Thread: loop. */
int weft_set_exception_handler(weft_executor *executor, weft_exception_handler handler, void *arg);

/* The default handler: formats one line, "MESSAGE [SOURCE]: ErrorName:
 * error message", and gives it to the log handler (weft_set_log_handler),
 * whose default writes it to stderr prefixed "weft: ". */
void weft_default_exception_handler(weft_executor *executor, const weft_exception_context *context,
                                    void *arg);

/* Passes context to the executor's handler (the default one if executor is
 * NULL). Thread: any. */
void weft_call_exception_handler(weft_executor *executor, const weft_exception_context *context);

/* ------------------------------------------------------------------------ */
/* Debug mode and the log handler                                           */
/* ------------------------------------------------------------------------ */

/* Debug mode, like asyncio's (PYTHONASYNCIODEBUG / loop.set_debug): off by
 * default, on for an executor created with weft_config.debug or with
 * WEFT_DEBUG=1 in the environment (weft_run included). Off, it costs one
 * predictable branch per runnable. On, the executor reports:
 *   - a task step, call_soon/call_later callback or done callback that ran
 *     at least slow_step_duration seconds without suspending (it blocked its
 *     worker): "Executing <Task ...> took 0.150 seconds", a warning through
 *     the log handler (asyncio's logger.warning). A task run inline by the
 *     task awaiting it (LIFO order) counts in its awaiter's step, as
 *     `await coro` does in asyncio;
 *   - each task still pending when the shutdown of weft_run or
 *     weft_executor_shutdown cancels it: "Task was still pending at
 *     shutdown; weft_run() cancels it" through the exception handler
 *     (context.task set, context.source its description);
 *   - at weft_executor_shutdown, each coroutine created on its workers and
 *     never handed over: "coroutine 'NAME' was never awaited" through the
 *     exception handler, once (weft_run, and weft_coro_free, report such
 *     coroutines in any mode);
 *   - task descriptions (weft_task_describe and every report above, "Task
 *     exception was never retrieved" included) end with " created at
 *     FILE:LINE", where the task's coroutine was made (weft_coro_new, or
 *     the weft_spawn call), as asyncio's debug repr does.
 *
 * Where messages go. Reports about a task or callback go to the executor's
 * exception handler (weft_set_exception_handler), as in asyncio; the
 * default exception handler formats one line and passes it to the log
 * handler below, at WEFT_LOG_ERROR when the report carries an error code and
 * WEFT_LOG_WARNING otherwise. Slow-step warnings go to the log handler
 * directly. So a program that wants every message weft prints replaces the
 * log handler; one that wants the structured context of each report (the
 * task, the error) replaces the exception handler. */
typedef enum weft_log_level {
    WEFT_LOG_WARNING = 30, /* something looks wrong (the values are Python logging's) */
    WEFT_LOG_ERROR = 40,   /* an error nobody handled */
} weft_log_level;

/* Receives one message, without the "weft: " prefix or a newline. message
 * is borrowed for the call. May run on any thread (workers, the thread
 * calling weft_run or weft_executor_shutdown), on several at once. A
 * message logged from inside the handler (a weft call it makes that
 * reports) goes to the default handler instead, so a handler cannot
 * recurse. */
typedef void (*weft_log_handler)(weft_log_level level, const char *message, void *arg);

/* Replaces the process-wide log handler (NULL restores the default). Once
 * it returns, no call of the previous handler is still running, so its arg
 * may be freed. Returns 0, or WEFT_EINVALSTATE when called from inside a
 * log handler (the change would wait for itself). Thread: any. */
int weft_set_log_handler(weft_log_handler handler, void *arg);

/* The default log handler: writes "weft: MESSAGE" and a newline to stderr
 * as one line (other threads' lines are not mixed in). Thread: any. */
void weft_default_log_handler(weft_log_level level, const char *message, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* WEFT_H */
