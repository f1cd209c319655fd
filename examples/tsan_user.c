/* ThreadSanitizer in a weft program, with the ordinary libweft.
 *
 * Build your program with -fsanitize=thread and link the libweft you have
 * installed; it needs no sanitizer build of its own:
 *
 *   cc -fsanitize=thread -g app.c $(pkg-config --cflags --libs weft)
 *
 * weft calls the TSan runtime through weak symbols, which resolve only when
 * your program carries it: __tsan_switch_to_fiber at every stack switch, so
 * TSan follows a task as it migrates between worker threads, and
 * __tsan_release/__tsan_acquire where weft's own synchronization orders your
 * code (spawn before the task's first step, a task's end before the await
 * that returns its result). TSan then reports the races in *your* code and
 * nothing else. This program runs 10,000 tasks on 4 workers; each hands its
 * input and output through its argument (ordered by spawn and await) and
 * increments a shared counter under a mutex. TSan stays silent.
 *
 * Build it with -DTSAN_USER_RACY to drop the mutex and TSan reports the true
 * race (each task is a TSan "thread", a fiber created by the worker that
 * first ran it), then exits with status 66:
 *
 *   WARNING: ThreadSanitizer: data race (pid=8198)
 *     Read of size 8 at 0x56361130e120 by thread T7:
 *       #0 bump examples/tsan_user.c:57
 *       #1 task_fiber_main src/task.c:138
 *     Previous write of size 8 at 0x56361130e120 by thread T6:
 *       #0 bump examples/tsan_user.c:57
 *       #1 task_fiber_main src/task.c:138
 *     Location is global 'counter' of size 8 at 0x56361130e120
 *     Thread T7 (tid=0, running) created by thread T3 at:
 *       #0 tsan_fiber_take src/fiber.c:171
 *   SUMMARY: ThreadSanitizer: data race examples/tsan_user.c:57 in bump
 */
#include <pthread.h>
#include <stdio.h>
#include <weft.h>

#define TASKS 10000
#define BATCH 500 /* tasks alive at once: each is a TSan fiber, TSan allows ~8000 */

static long counter; /* shared by all tasks, protected by lock */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct job {
    long in;  /* written before spawn, read by the task */
    long out; /* written by the task, read after await */
};

static int bump(void *arg, void **result)
{
    (void)result;
    struct job *job = arg;
    int rc = weft_yield(); /* the task may resume on another worker */
#ifndef TSAN_USER_RACY
    pthread_mutex_lock(&lock);
#endif
    counter++;
#ifndef TSAN_USER_RACY
    pthread_mutex_unlock(&lock);
#endif
    job->out = job->in + 1;
    return rc;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    static struct job jobs[BATCH];
    weft_task *tasks[BATCH];
    for (long done = 0; done < TASKS; done += BATCH) {
        for (int i = 0; i < BATCH; i++) {
            jobs[i].in = done + i;
            tasks[i] = weft_spawn(bump, &jobs[i]);
            if (tasks[i] == NULL)
                return weft_last_error();
        }
        for (int i = 0; i < BATCH; i++) {
            int rc = weft_await(tasks[i], NULL);
            weft_task_release(tasks[i]);
            if (rc != 0)
                return rc;
            if (jobs[i].out != done + i + 1)
                return weft_raise(1, "task %ld: out %ld", done + i, jobs[i].out);
        }
    }
    return 0;
}

int main(void)
{
    weft_config config;
    weft_config_init(&config);
    config.workers = 4;
    int rc = weft_run_with(&config, weft_coro_new(main_coroutine, NULL), NULL);
    if (rc != 0) {
        const char *msg = weft_last_error_message();
        printf("%s: %s\n", weft_error_name(rc), msg ? msg : weft_strerror(rc));
        return 1;
    }
    printf("tsan_user: %d tasks, counter %ld\n", TASKS, counter);
    return counter == TASKS ? 0 : 1;
}
