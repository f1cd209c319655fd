/* Stack overflow is detected and reported with the task's name and stack
 * size, in canary mode and in guard-page mode. Each case runs in a child
 * process (the report ends in abort) whose stderr the parent reads. Also:
 * a task's fiber record sits at the top of its own stack, from its first
 * step until the stack goes back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "task.h" /* white-box: the canary test needs the stack bounds */
#include "weft.h"

enum { STACK_SIZE = 32 * 1024 };

static uintptr_t recursion_floor;

/* Recurses until a frame lies below recursion_floor (0: for ever). */
static __attribute__((noinline)) int descend(int depth)
{
    volatile char pad[64];
    pad[0] = (char)depth;
    if (recursion_floor == 0 || (uintptr_t)&pad[0] > recursion_floor)
        return descend(depth + 1) + pad[0];
    return pad[0];
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* A function whose local buffer is larger than the room left on the stack,
 * filled completely: the common way a coroutine overflows. The size is
 * taken from this very frame so the buffer ends inside the canary (the
 * 64 bytes below the stack), not beyond it. Under ASan the buffer gets
 * redzones below it and calls that poison them (the first one through the
 * dynamic linker's resolver, whose frame saves the vector registers), which
 * would run past the bottom of the stack (a fault, or another stack's
 * memory): the buffer stops a page short and one plain store breaks the
 * canary instead (its shadow is clean, so only weft's check sees it). */
static __attribute__((noinline)) void fill_large_buffer(uintptr_t canary)
{
#if defined(UNDER_ASAN)
    const size_t slack = 4096;
#else
    const size_t slack = 32;
#endif
    size_t size = (uintptr_t)__builtin_frame_address(0) - canary - slack;
    volatile char buffer[size];
    for (size_t i = 0; i < size; i++)
        buffer[i] = (char)i;
    (void)buffer[0];
#if defined(UNDER_ASAN)
    *(volatile char *)(canary + 8) ^= 1;
#endif
}

/* Canary mode: overflow into the canary, then suspend: the switch away
 * finds the canary broken. */
static int overflow_into_canary(void *arg, void **result)
{
    (void)arg;
    (void)result;
    fill_large_buffer((uintptr_t)weft_current_task()->stack_fiber->stack.canary);
    weft_yield();
    return 0;
}

/* Guard-page mode: run off the end of the stack into the guard page. */
static int overflow_for_ever(void *arg, void **result)
{
    (void)arg;
    (void)result;
    recursion_floor = 0;
    return descend(0);
}

static int spawn_named(void *arg, void **result)
{
    (void)result;
    weft_fn body = (weft_fn)arg;
    weft_task *task = weft_task_create(weft_coro_new(body, NULL), "deep-recursion");
    int code = weft_await(task, NULL);
    weft_task_release(task);
    return code;
}

/* Runs body in a child with the given stack settings; returns its stderr
 * and stores how it ended. */
static char *run_child(weft_fn body, bool guard_pages, int *wait_status)
{
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipe_fds[1], STDERR_FILENO);
        close(pipe_fds[0]);
        weft_config config;
        weft_config_init(&config);
        config.stack_size = STACK_SIZE;
        config.guard_pages = guard_pages;
        weft_run_with(&config, weft_coro_new(spawn_named, (void *)body), NULL);
        _exit(0); /* not reached when the overflow is caught */
    }
    close(pipe_fds[1]);
    static char output[4096];
    size_t length = 0;
    ssize_t n;
    while (length < sizeof output - 1 &&
           (n = read(pipe_fds[0], output + length, sizeof output - 1 - length)) > 0)
        length += (size_t)n;
    output[length] = '\0';
    close(pipe_fds[0]);
    assert_int_equal(waitpid(pid, wait_status, 0), pid);
    return output;
}

static void check_report(const char *output, int status)
{
    print_message("child stderr: %s", output);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(output, "stack overflow in task 'deep-recursion'"));
    assert_non_null(strstr(output, "stack size 32768 bytes"));
}

static void canary_names_the_task(void **state)
{
    (void)state;
    int status;
    char *output = run_child(overflow_into_canary, false, &status);
    check_report(output, status);
}

static void guard_page_names_the_task(void **state)
{
    (void)state;
    int status;
    char *output = run_child(overflow_for_ever, true, &status);
    check_report(output, status);
}

/* ---- where a task's fiber record lives (white box) ---------------------- */

static bool record_in_own_stack(const weft_task *task)
{
    const weft_fiber *fiber = task->stack_fiber;
    if (fiber == NULL || fiber->owner != task)
        return false;
    const char *top = (const char *)fiber->stack.low + fiber->stack.size;
    const char *record = (const char *)fiber;
    volatile char local = 0;
    /* The record is the top of the stack; the task's frames are below it. */
    return record == top - WEFT_FIBER_RECORD_BYTES && (const char *)&local < record &&
           (const char *)&local > (const char *)fiber->stack.low;
}

static int child_checks_its_record(void *arg, void **result)
{
    (void)arg;
    *result = (void *)(intptr_t)record_in_own_stack(weft_current_task());
    return 0;
}

static int parent_checks_records(void *arg, void **result)
{
    (void)arg;
    weft_task *self = weft_current_task();
    int failures = !record_in_own_stack(self);
    weft_task *child = weft_spawn(child_checks_its_record, NULL);
    failures += child == NULL || child->stack_fiber != NULL; /* nothing before its first step */
    void *child_ok = NULL;
    failures += weft_await(child, &child_ok) != 0 || child_ok != (void *)1;
    failures += child->stack_fiber != NULL; /* given back with the stack */
    failures += self->stack_fiber == NULL || child == self;
    weft_task_release(child);
    *result = (void *)(intptr_t)failures;
    return 0;
}

static void fiber_record_at_top_of_own_stack(void **state)
{
    (void)state;
    weft_config config;
    weft_config_init(&config);
    config.stack_size = STACK_SIZE;
    config.workers = 1;
    config.order = WEFT_ORDER_FIFO; /* the child runs on a stack of its own, not inline */
    void *failures = (void *)-1;
    assert_int_equal(weft_run_with(&config, weft_coro_new(parent_checks_records, NULL), &failures),
                     0);
    assert_ptr_equal(failures, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canary_names_the_task),
        cmocka_unit_test(guard_page_names_the_task),
        cmocka_unit_test(fiber_record_at_top_of_own_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
