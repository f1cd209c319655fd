/* A task group with a failing child, on four workers: the first failure
 * cancels the other children and the body, the group waits for all of
 * them, and the errors come out together (WEFT_EGROUP and the list of
 * failures, weft's ExceptionGroup).
 * Python version: python/task_group.py (same output). */
#include <stdbool.h>
#include <stdio.h>
#include <weft.h>

enum { FETCH_ERROR = 5 };

struct page {
    char name[24];
    double delay;
    bool fails;
    char result[32];
};

static int fetch(void *arg, void **result)
{
    struct page *page = arg;
    int rc = weft_sleep(page->delay);
    if (rc != 0)
        return rc; /* cancelled */
    if (page->fails)
        return weft_raise(FETCH_ERROR, "%s: connection reset", page->name);
    snprintf(page->result, sizeof page->result, "%s: ok", page->name);
    *result = page->result;
    return 0;
}

static int main_coroutine(void *arg, void **result)
{
    (void)arg;
    (void)result;
    struct page pages[4];
    weft_task *tasks[4];

    weft_task_group *group = weft_task_group_new();
    if (group == NULL)
        return weft_last_error();
    for (int i = 0; i < 4; i++) {
        pages[i] = (struct page){.delay = 0.01 * i, .fails = false};
        snprintf(pages[i].name, sizeof pages[i].name, "page-%d", i);
        tasks[i] = weft_task_group_create_task(group, weft_coro_new(fetch, &pages[i]),
                                               pages[i].name);
    }
    int rc = weft_task_group_wait(group, 0);
    weft_task_group_free(group);
    if (rc != 0)
        return rc;
    printf("all done:");
    for (int i = 0; i < 4; i++) {
        void *text = NULL;
        weft_task_result(tasks[i], &text);
        printf("%s %s", i ? "," : "", (const char *)text);
        weft_task_release(tasks[i]);
    }
    printf("\n");

    group = weft_task_group_new();
    if (group == NULL)
        return weft_last_error();
    for (int i = 0; i < 4; i++) {
        pages[i] = (struct page){.delay = i != 2 ? 10 : 0.05, .fails = i == 2};
        snprintf(pages[i].name, sizeof pages[i].name, "page-%d", i);
        tasks[i] = weft_task_group_create_task(group, weft_coro_new(fetch, &pages[i]),
                                               pages[i].name);
    }
    rc = weft_sleep(10); /* the body: cancelled when page-2 fails */
    if (rc == 0)
        printf("not reached: the body is cancelled too\n");
    rc = weft_task_group_wait(group, rc);
    if (rc == WEFT_EGROUP) {
        const weft_task_error *errors;
        size_t count = weft_task_group_errors(group, &errors);
        printf("group failed: %zu error(s)\n", count);
        for (size_t i = 0; i < count; i++)
            printf("  %s\n", errors[i].message);
    }
    weft_task_group_free(group);
    for (int i = 0; i < 4; i++) {
        printf("%s: %s\n", weft_task_get_name(tasks[i]),
               weft_task_cancelled(tasks[i]) ? "cancelled" : "failed");
        weft_task_release(tasks[i]);
    }
    printf("cancelling: %d\n", weft_task_cancelling(weft_current_task()));
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
    return 0;
}
