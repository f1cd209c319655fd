/* Task groups: asyncio.TaskGroup (taskgroups.py). Python 3.11's rules, with
 * one change from 3.12: the parent's uncancel() for the group's own cancel
 * happens after the children are waited for, not before, so a child that
 * fails while the parent waits in weft_task_group_wait does not leave the
 * parent's cancelling() count raised.
 *
 * Several workers: children finish, and their done callbacks run, on any
 * worker, while the parent runs its body on another. The group's lock makes
 * each callback one step, as it is in asyncio's single thread: in
 * particular a failure's cancels (children, then parent) are made before
 * the parent can see the last child gone. */
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compose.h"
#include "error.h"
#include "executor.h"
#include "spinlock.h"

#undef weft_task_group_wait

typedef struct group_child {
    weft_task_group *group;
    weft_task *task; /* the group's reference */
    struct group_child *prev, *next; /* the pending list */
} group_child;

struct weft_task_group {
    /* The owner's plus one per child whose done callback has not run;
     * acq_rel on release so the freeing thread sees every other use. */
    atomic_int references;
    weft_executor *executor;
    weft_task *parent; /* a reference */
    /* Guards everything below. Taken by the parent, by tasks creating
     * children, and by the children's done callbacks. Cancels are made
     * under it; no cancel path takes a group lock, so this cannot cycle. */
    weft_spinlock lock;
    bool exiting, aborting, parent_cancel_requested, waited;
    size_t pending; /* len(self._tasks) */
    group_child *head, *tail;
    /* _on_completed_fut: the parent's future (on its stack) while it waits;
     * completed under the lock, cleared by the parent under the lock. */
    weft_future *on_completed;
    /* Room for one error per child ever created plus the body's, reserved
     * as children are created: a failure must never be dropped for want of
     * memory, or the group would report success (add_error cannot fail). */
    weft_task_error *errors;
    size_t error_count, error_capacity, children_created;
};

static void group_release(weft_task_group *group)
{
    if (atomic_fetch_sub_explicit(&group->references, 1, memory_order_acq_rel) != 1)
        return;
    for (size_t i = 0; i < group->error_count; i++) {
        weft_task_release(group->errors[i].task);
        weft_free((char *)group->errors[i].message);
    }
    weft_free(group->errors);
    weft_task_release(group->parent);
    weft_free(group);
}

/* TaskGroup.__repr__, for messages; under the lock. */
static void describe_group(const weft_task_group *group, char *buf, size_t size)
{
    int n = snprintf(buf, size, "<TaskGroup");
    if (group->pending > 0 && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " tasks=%zu", group->pending);
    if (group->error_count > 0 && n >= 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " errors=%zu", group->error_count);
    if (n >= 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, "%s>", group->aborting ? " cancelling" : " entered");
}

/* Makes room for the errors of one more child and the body; under the
 * lock (growth doubles, so the allocation is rare). Returns false when out
 * of memory. */
static bool reserve_error(weft_task_group *group)
{
    size_t needed = group->children_created + 2;
    if (group->error_capacity >= needed)
        return true;
    size_t capacity = group->error_capacity ? 2 * group->error_capacity : 4;
    while (capacity < needed)
        capacity *= 2;
    weft_task_error *errors = weft_realloc(group->errors, capacity * sizeof(*errors));
    if (errors == NULL)
        return false;
    group->errors = errors;
    group->error_capacity = capacity;
    return true;
}

/* Appends one error into the room reserve_error made (ownership of task
 * and message moves in); under the lock. */
static void add_error(weft_task_group *group, weft_task *task, int code, char *message)
{
    group->errors[group->error_count++] = (weft_task_error){task, code, message};
}

/* TaskGroup._abort: cancels the children not done, in creation order
 * (asyncio's set order is arbitrary); under the lock. */
static void abort_children(weft_task_group *group)
{
    group->aborting = true;
    for (group_child *child = group->head; child != NULL; child = child->next)
        if (!weft_task_done(child->task))
            weft_task_request_cancel(child->task, NULL);
}

/* TaskGroup._on_task_done. */
static int on_task_done(weft_task *task, void *arg)
{
    group_child *child = arg;
    weft_task_group *group = child->group;
    bool keep_task = false, report = false;
    const char *message = NULL;

    weft_spinlock_lock(&group->lock);
    *(child->prev != NULL ? &child->prev->next : &group->head) = child->next;
    *(child->next != NULL ? &child->next->prev : &group->tail) = child->prev;
    group->pending--;
    if (group->on_completed != NULL && group->pending == 0)
        weft_future_complete(group->on_completed, WEFT_FUTURE_FINISHED, 0, NULL, NULL);
    int code = weft_task_cancelled(task) ? 0 : weft_compose_peek(task, NULL, &message, true);
    if (code != 0) {
        /* Without memory for the copy the error is kept without its text. */
        add_error(group, task, code, weft_strdup(message));
        keep_task = true;
        if (weft_task_done(group->parent)) {
            report = true;
        } else if (!group->aborting && !group->parent_cancel_requested) {
            /* Cancel whatever the parent's body is doing; the wait
             * withdraws this cancel again (uncancel). */
            abort_children(group);
            group->parent_cancel_requested = true;
            weft_task_request_cancel(group->parent, NULL);
        }
    }
    weft_spinlock_unlock(&group->lock);

    if (report) {
        char child_text[512], parent_text[512], text[1200];
        weft_task_describe_into(task, child_text, sizeof child_text, 0);
        weft_task_describe_into(group->parent, parent_text, sizeof parent_text, 0);
        snprintf(text, sizeof text,
                 "Task %s has errored out but its parent task %s is already completed",
                 child_text, parent_text);
        weft_exception_context context = {
            .message = text,
            .error = code,
            .error_message = message,
            .task = task,
            .source = child_text,
        };
        weft_call_exception_handler(group->executor, &context);
    }
    if (!keep_task)
        weft_task_release(child->task); /* else the error list holds it */
    weft_free(child);
    group_release(group);
    return 0;
}

weft_task_group *weft_task_group_new(void)
{
    weft_task *self = weft_compose_self("weft_task_group_new");
    if (self == NULL)
        return NULL;
    weft_task_group *group = weft_calloc(1, sizeof(*group));
    if (group == NULL) {
        weft_error_set(WEFT_ENOMEM, "out of memory for a task group");
        return NULL;
    }
    atomic_init(&group->references, 1);
    group->executor = self->executor;
    group->parent = weft_task_retain(self);
    weft_spinlock_init(&group->lock);
    return group;
}

/* TaskGroup.create_task, for a coroutine (coro) or a function (fn). */
static weft_task *group_create(weft_task_group *group, weft_coro *coro, const char *name,
                               weft_fn fn, void *arg, const char *file, int line)
{
    if (group == NULL) {
        weft_error_set(WEFT_EINVAL, "weft_task_group_create_task: group is NULL");
        return NULL;
    }
    char description[96];
    weft_spinlock_lock(&group->lock);
    bool finished = group->exiting && group->pending == 0;
    bool aborting = group->aborting;
    describe_group(group, description, sizeof description);
    weft_spinlock_unlock(&group->lock);
    if (finished || aborting) {
        weft_error_set(WEFT_ESHUTDOWN, "TaskGroup %s is %s", description,
                       finished ? "finished" : "shutting down");
        return NULL;
    }
    group_child *child = weft_calloc(1, sizeof(*child));
    weft_callback_entry *entry =
        child != NULL ? weft_compose_entry_new(group->executor, on_task_done, child,
                                               "_on_task_done")
                      : NULL;
    weft_spinlock_lock(&group->lock);
    bool reserved = entry != NULL && reserve_error(group);
    weft_spinlock_unlock(&group->lock);
    if (!reserved) {
        weft_free(entry);
        weft_free(child);
        weft_error_set(WEFT_ENOMEM, "out of memory creating a task in a task group");
        return NULL;
    }
    weft_executor *running = weft_executor_running();
    weft_task *task = NULL;
    if (running != NULL && running != group->executor)
        weft_error_set(WEFT_EINVAL, "weft_task_group_create_task: the group belongs to "
                                    "another executor");
    else if (coro != NULL || fn == NULL)
        task = weft_task_create(coro, name);
    else
        task = weft_spawn_named(fn, arg, name, file, line);
    if (task == NULL) {
        weft_free(entry);
        weft_free(child);
        return NULL;
    }
    child->group = group;
    child->task = weft_task_retain(task);
    weft_spinlock_lock(&group->lock);
    child->prev = group->tail;
    *(group->tail != NULL ? &group->tail->next : &group->head) = child;
    group->tail = child;
    group->pending++;
    group->children_created++;
    atomic_fetch_add_explicit(&group->references, 1, memory_order_relaxed);
    /* A failure elsewhere may have started the abort since the check
     * above (several workers): this child is cancelled with the others. */
    if (group->aborting)
        weft_task_request_cancel(task, NULL);
    weft_spinlock_unlock(&group->lock);
    weft_compose_entry_add(task, entry);
    return task;
}

weft_task *weft_task_group_create_task(weft_task_group *group, weft_coro *coro, const char *name)
{
    if (coro == NULL) {
        weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
        return NULL;
    }
    return group_create(group, coro, name, NULL, NULL, NULL, 0);
}

weft_task *weft_task_group_spawn_named(weft_task_group *group, weft_fn fn, void *arg,
                                       const char *name, const char *file, int line)
{
    if (fn == NULL) {
        weft_error_set(WEFT_ENOTCORO, "a coroutine was expected, got None");
        return NULL;
    }
    return group_create(group, NULL, name, fn, arg, file, line);
}

int weft_task_group_wait(weft_task_group *group, int code)
{
    weft_task *self = weft_compose_self("weft_task_group_wait");
    if (self == NULL)
        return weft_last_error();
    if (group == NULL)
        return weft_error_set(WEFT_EINVAL, "weft_task_group_wait: group is NULL");
    if (self != group->parent)
        return weft_error_set(WEFT_EINVAL,
                              "weft_task_group_wait: only the task that made the group may wait");
    /* The body's own error and message, before anything replaces them. */
    char *body_message = NULL;
    if (code != 0 && weft_last_error() == code)
        body_message = weft_strdup(weft_last_error_message());

    weft_spinlock_lock(&group->lock);
    if (group->waited) {
        weft_spinlock_unlock(&group->lock);
        weft_free(body_message);
        return weft_error_set(WEFT_EINVAL, "weft_task_group_wait: the group was left already");
    }
    group->waited = true;
    group->exiting = true;
    bool propagate_cancel = code == WEFT_ECANCELLED;
    char *cancel_message = propagate_cancel ? weft_strdup(body_message) : NULL;
    if (code != 0 && !group->aborting)
        abort_children(group); /* the body failed or was cancelled */
    weft_spinlock_unlock(&group->lock);

    /* Waits until no child is left; a cancel of the parent meanwhile (the
     * future is cancelled with it) is passed on to the children once. */
    for (;;) {
        weft_future on_completed;
        weft_spinlock_lock(&group->lock);
        if (group->pending == 0) {
            weft_spinlock_unlock(&group->lock);
            break;
        }
        weft_future_init(&on_completed, NULL);
        group->on_completed = &on_completed;
        weft_spinlock_unlock(&group->lock);

        int rc = weft_compose_await(self, &on_completed, NULL);

        weft_spinlock_lock(&group->lock);
        group->on_completed = NULL;
        if (rc == WEFT_ECANCELLED && !group->aborting) {
            propagate_cancel = true;
            weft_free(cancel_message);
            cancel_message = weft_strdup(weft_last_error_message());
            abort_children(group);
        }
        weft_spinlock_unlock(&group->lock);
        weft_future_destroy(&on_completed);
    }

    /* Every callback has run its locked part: the flags and errors are
     * final. 3.12: the group's own cancel is withdrawn only now. */
    weft_spinlock_lock(&group->lock);
    bool parent_cancel_requested = group->parent_cancel_requested;
    weft_spinlock_unlock(&group->lock);
    if (parent_cancel_requested && weft_task_uncancel(self) == 0)
        propagate_cancel = false;

    weft_spinlock_lock(&group->lock);
    if (propagate_cancel && group->error_count == 0) {
        weft_spinlock_unlock(&group->lock);
        weft_free(body_message);
        return weft_error_set_owned(WEFT_ECANCELLED, cancel_message);
    }
    weft_free(cancel_message);
    /* `if et is not None and et is not CancelledError: errors.append(exc)` */
    bool body_failed = code != 0 && code != WEFT_ECANCELLED;
    if (body_failed && reserve_error(group)) {
        add_error(group, NULL, code, body_message);
    } else if (body_failed) {
        /* No child was ever created (their room includes the body's), so
         * the body's error is the only one: returned as it is. */
        weft_spinlock_unlock(&group->lock);
        return weft_error_set_owned(code, body_message);
    } else {
        weft_free(body_message);
    }
    size_t count = group->error_count;
    weft_spinlock_unlock(&group->lock);
    if (count == 0)
        return 0;
    return weft_error_set(WEFT_EGROUP, "unhandled errors in a TaskGroup (%zu sub-exception%s)",
                          count, count == 1 ? "" : "s");
}

size_t weft_task_group_errors(const weft_task_group *group, const weft_task_error **errors)
{
    if (errors != NULL)
        *errors = NULL;
    if (group == NULL)
        return 0;
    weft_task_group *mutable_group = (weft_task_group *)group;
    weft_spinlock_lock(&mutable_group->lock);
    size_t count = group->error_count;
    if (errors != NULL)
        *errors = group->errors;
    weft_spinlock_unlock(&mutable_group->lock);
    return count;
}

void weft_task_group_free(weft_task_group *group)
{
    if (group == NULL)
        return;
    weft_spinlock_lock(&group->lock);
    if (group->pending > 0 && !group->aborting)
        abort_children(group);
    group->exiting = true;
    weft_spinlock_unlock(&group->lock);
    group_release(group);
}
