/*
 * test_examples: runs each example program and compares its stdout, once
 * normalised (addresses and source positions, as examples/normalize does),
 * with CPython 3.11's output in $srcdir/examples/expected/NAME.out.
 *
 * The example binaries are looked up next to this program (the build tree,
 * also in a VPATH build), or in $WEFT_EXAMPLES_DIR; the expected outputs in
 * the source tree, $srcdir (exported by automake; default ".").
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *const examples[] = {
    "01_create_task",        "02_many_tasks",          "03_ensure_future",
    "04_loop_create_task",   "05_no_running_loop",     "06_not_a_coroutine",
    "07_run_coroutine",      "08_await_coroutine",     "09_await_task",
    "10_current_task_main",  "11_current_task_coroutine", "12_current_task_task",
    "13_await_itself",       "14_cancel_itself",       "15_get_coro",
    "16_await_running_coro", "17_reuse_coro",          "18_task_result",
    "19_task_order",
    /* Composing tasks, on four workers. */
    "fanout_gather",         "task_group",             "timeout",
};
#define NEXAMPLES (sizeof examples / sizeof examples[0])

/* Seconds an example may run before it is considered hung. */
#define EXAMPLE_TIMEOUT 60

static char bindir[4096] = ".";
static const char *srcdir = ".";

/* A growable string. */
struct buf {
    char *data;
    size_t len, cap;
};

static void buf_add(struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *data = realloc(b->data, cap);
        assert_non_null(data);
        b->data = data;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Characters of PATH in " at PATH:LINE" (the sed class [^ :<>], within a line). */
static int is_path_char(char c)
{
    return c != '\0' && c != '\n' && c != ' ' && c != ':' && c != '<' && c != '>';
}

/* Same rewrites as examples/normalize, in the same order:
 *   s/0x[0-9a-fA-F]+/0xADDR/g
 *   s/ at [^ :<>]+:[0-9]+/ at FILE:LINE/g */
static char *normalize(const char *in)
{
    struct buf pass1 = {0}, out = {0};
    buf_add(&pass1, "", 0);
    for (const char *p = in; *p;) {
        if (p[0] == '0' && p[1] == 'x' && is_hex(p[2])) {
            buf_add(&pass1, "0xADDR", 6);
            for (p += 2; is_hex(*p); p++)
                ;
        } else {
            buf_add(&pass1, p++, 1);
        }
    }
    buf_add(&out, "", 0);
    for (const char *p = pass1.data; *p;) {
        if (strncmp(p, " at ", 4) == 0 && is_path_char(p[4])) {
            const char *q = p + 4;
            while (is_path_char(*q))
                q++;
            if (q[0] == ':' && is_digit(q[1])) {
                for (q++; is_digit(*q); q++)
                    ;
                buf_add(&out, " at FILE:LINE", 13);
                p = q;
                continue;
            }
        }
        buf_add(&out, p++, 1);
    }
    free(pass1.data);
    return out.data;
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return NULL;
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    buf_add(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    fclose(f);
    return b.data;
}

/* Runs the example, returns its stdout and stores its wait status. stderr
 * (warnings, sanitizer reports) goes to the test log. */
static char *run_example(const char *name, int *status)
{
    char cmd[8192];
    /* $0 is the program; `timeout` guards against a hang where it exists. */
    int len = snprintf(cmd, sizeof cmd,
                       "sh -c 'if command -v timeout >/dev/null 2>&1; then exec timeout %d \"$0\"; "
                       "else exec \"$0\"; fi' '%s/%s'",
                       EXAMPLE_TIMEOUT, bindir, name);
    if (len < 0 || (size_t)len >= sizeof cmd)
        fail_msg("%s: command too long", name);
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct buf b = {0};
    char chunk[4096];
    size_t n;
    buf_add(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
        buf_add(&b, chunk, n);
    *status = pclose(p);
    return b.data;
}

/* Prints `diff -u expected got` to stdout. */
static void show_diff(const char *expected_path, const char *got)
{
    char cmd[8192];
    int len = snprintf(cmd, sizeof cmd, "diff -u '%s' -", expected_path);
    if (len < 0 || (size_t)len >= sizeof cmd)
        return;
    fflush(NULL);
    FILE *p = popen(cmd, "w");
    if (p == NULL)
        return;
    fputs(got, p);
    pclose(p);
}

static void test_example(void **state)
{
    const char *name = *state;
    char expected_path[8192];
    int len = snprintf(expected_path, sizeof expected_path, "%s/examples/expected/%s.out",
                       srcdir, name);
    if (len < 0 || (size_t)len >= sizeof expected_path)
        fail_msg("%s: path too long", name);

    char *expected = read_file(expected_path);
    if (expected == NULL)
        fail_msg("%s: cannot read %s", name, expected_path);

    int status = 0;
    char *raw = run_example(name, &status);
    char *got = normalize(raw);
    free(raw);

    int same = strcmp(expected, got) == 0;
    if (!same) {
        printf("%s: output differs from %s (--- expected, +++ got):\n", name, expected_path);
        show_diff(expected_path, got);
    }
    free(expected);
    free(got);
    if (status == -1 || !WIFEXITED(status))
        fail_msg("%s: did not exit normally (wait status %#x)", name, (unsigned)status);
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s: exit status %d", name, WEXITSTATUS(status));
    if (!same)
        fail_msg("%s: output mismatch", name);
}

/* The examples are built next to this program; a libtool wrapper may run us
 * from .libs/, in which case they are one level up. */
static void find_bindir(const char *argv0)
{
    const char *env = getenv("WEFT_EXAMPLES_DIR");
    if (env != NULL && *env) {
        if ((size_t)snprintf(bindir, sizeof bindir, "%s", env) >= sizeof bindir)
            strcpy(bindir, ".");
        return;
    }
    const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
    if (slash == NULL)
        return; /* "." */
    if ((size_t)(slash - argv0) >= sizeof bindir)
        return;
    memcpy(bindir, argv0, (size_t)(slash - argv0));
    bindir[slash - argv0] = '\0';
    size_t len = strlen(bindir);
    if (len >= 5 && strcmp(bindir + len - 5, ".libs") == 0) {
        if (len == 5)
            strcpy(bindir, ".");
        else
            bindir[len - 6] = '\0';
    }
    if (bindir[0] == '\0')
        strcpy(bindir, "/");
}

int main(int argc, char **argv)
{
    (void)argc;
    find_bindir(argv[0]);
    const char *s = getenv("srcdir");
    if (s != NULL && *s)
        srcdir = s;
    if (strchr(bindir, '\'') != NULL || strchr(srcdir, '\'') != NULL) {
        fprintf(stderr, "test_examples: paths with a single quote are not supported\n");
        return 99; /* automake: hard error */
    }

    struct CMUnitTest tests[NEXAMPLES];
    for (size_t i = 0; i < NEXAMPLES; i++) {
        tests[i] = (struct CMUnitTest){
            .name = examples[i],
            .test_func = test_example,
            .initial_state = (void *)(uintptr_t)examples[i],
        };
    }
    return cmocka_run_group_tests_name("examples", tests, NULL, NULL);
}
