/*
 * asyncio conformance runner: one cmocka test per scenario.
 *
 * Each scenario tests/asyncio/NN_name is a C program (built in the build tree,
 * next to this runner) that prints an event trace; its Python twin NN_name.py
 * printed the expected trace under CPython 3.11, committed as
 * $srcdir/tests/asyncio/expected/NN_name.txt. The test runs the program and
 * compares its stdout with that file byte for byte, printing a diff on mismatch.
 *
 * The scenarios are found by listing the expected directory. Locations:
 *   - expected traces: $srcdir/tests/asyncio/expected (automake exports srcdir,
 *     the top source directory, to tests; default "."), or $WEFT_EXPECTED_DIR;
 *   - scenario programs: the directory of argv[0] (the build tree, also in a
 *     VPATH build; a libtool ".libs" directory is stepped out of), or
 *     $WEFT_SCENARIO_DIR.
 * Arguments, if any, restrict the run to scenarios whose name contains one of them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A scenario that runs longer than this is killed (needs coreutils timeout). */
#define SCENARIO_TIMEOUT_S 60

static char scenario_dir[4096];
static char expected_dir[4096];

typedef struct scenario {
    char name[256];
} scenario;

/* Reads all of f into a malloc'd buffer; *len gets its length. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (bigger == NULL) {
                free(buf);
                return NULL;
            }
            buf = bigger;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    *len = n;
    return buf;
}

/* Single-quotes s for /bin/sh into out. */
static void shell_quote(char *out, size_t size, const char *s)
{
    size_t o = 0;
    if (size < 3) {
        out[0] = '\0';
        return;
    }
    out[o++] = '\'';
    for (; *s && o + 5 < size; s++) {
        if (*s == '\'') {
            memcpy(out + o, "'\\''", 4);
            o += 4;
        } else {
            out[o++] = *s;
        }
    }
    out[o++] = '\'';
    out[o] = '\0';
}

/* Prints a diff of expected vs actual: diff -u when available, else the first
 * differing line. */
static void show_diff(const char *expected_path, const char *actual, size_t actual_len,
                      const char *exp, size_t exp_len)
{
    char tmpl[] = "/tmp/weft-conformance-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) {
        FILE *f = fdopen(fd, "w");
        if (f != NULL) {
            fwrite(actual, 1, actual_len, f);
            fclose(f);
            char qe[4200], qa[200], cmd[4600];
            shell_quote(qe, sizeof qe, expected_path);
            shell_quote(qa, sizeof qa, tmpl);
            snprintf(cmd, sizeof cmd,
                     "diff -u --label expected --label actual %s %s 2>/dev/null", qe, qa);
            fflush(stdout);
            int st = system(cmd);
            unlink(tmpl);
            if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 1)
                return;
        } else {
            close(fd);
            unlink(tmpl);
        }
    }
    /* Fallback: the first line that differs. */
    size_t line = 1, i = 0;
    while (i < exp_len && i < actual_len && exp[i] == actual[i]) {
        if (exp[i] == '\n')
            line++;
        i++;
    }
    size_t es = i, as = i;
    while (es > 0 && exp[es - 1] != '\n')
        es--;
    as = es;
    const char *ee = memchr(exp + es, '\n', exp_len - es);
    const char *ae = as < actual_len ? memchr(actual + as, '\n', actual_len - as) : NULL;
    int el = (int)((ee ? ee : exp + exp_len) - (exp + es));
    int al = as < actual_len ? (int)((ae ? ae : actual + actual_len) - (actual + as)) : 0;
    printf("first difference at line %zu:\n-%.*s\n+%.*s\n", line, el, exp + es, al,
           actual + as);
}

static void run_scenario(void **state)
{
    const scenario *sc = *state;
    char bin[4400], expected_path[4400];
    snprintf(bin, sizeof bin, "%s/%s", scenario_dir, sc->name);
    snprintf(expected_path, sizeof expected_path, "%s/%s.txt", expected_dir, sc->name);

    FILE *ef = fopen(expected_path, "rb");
    if (ef == NULL)
        fail_msg("%s: cannot open %s: %s", sc->name, expected_path, strerror(errno));
    size_t exp_len = 0;
    char *exp = slurp(ef, &exp_len);
    fclose(ef);
    assert_non_null(exp);

    if (access(bin, X_OK) != 0) {
        free(exp);
        fail_msg("%s: scenario program %s not found (built by make check)", sc->name, bin);
    }

    char qbin[4600], cmd[2 * sizeof qbin + 128];
    shell_quote(qbin, sizeof qbin, bin);
    snprintf(cmd, sizeof cmd,
             "if command -v timeout >/dev/null 2>&1; then exec timeout %d %s; else exec %s; fi",
             SCENARIO_TIMEOUT_S, qbin, qbin);
    fflush(stdout);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        free(exp);
        fail_msg("%s: cannot run %s: %s", sc->name, bin, strerror(errno));
    }
    size_t out_len = 0;
    char *out = slurp(p, &out_len);
    int status = pclose(p);
    assert_non_null(out);

    int same = out_len == exp_len && memcmp(out, exp, exp_len) == 0;
    if (!same) {
        printf("%s: trace differs from %s\n", sc->name, expected_path);
        show_diff(expected_path, out, out_len, exp, exp_len);
    }
    free(out);
    free(exp);
    if (status == -1 || !WIFEXITED(status))
        fail_msg("%s: did not exit normally (status %d)", sc->name, status);
    if (WEXITSTATUS(status) == 124)
        fail_msg("%s: timed out after %d s", sc->name, SCENARIO_TIMEOUT_S);
    if (WEXITSTATUS(status) != 0)
        fail_msg("%s: exit status %d", sc->name, WEXITSTATUS(status));
    if (!same)
        fail_msg("%s: trace differs from CPython's", sc->name);
}

static int cmp_scenarios(const void *a, const void *b)
{
    return strcmp(((const scenario *)a)->name, ((const scenario *)b)->name);
}

/* The directory part of path ("." if none), stepping out of a libtool .libs. */
static void dir_of(char *out, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(out, size, ".");
        return;
    }
    snprintf(out, size, "%.*s", (int)(slash - path), path);
    if (out[0] == '\0')
        snprintf(out, size, "/");
    size_t n = strlen(out);
    if (n >= 5 && strcmp(out + n - 5, ".libs") == 0 && (n == 5 || out[n - 6] == '/')) {
        if (n == 5)
            snprintf(out, size, ".");
        else
            out[n - 6] = '\0';
    }
}

static int wanted(const char *name, int argc, char **argv)
{
    if (argc <= 1)
        return 1;
    for (int i = 1; i < argc; i++)
        if (strstr(name, argv[i]) != NULL)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    const char *env = getenv("WEFT_SCENARIO_DIR");
    if (env != NULL && *env)
        snprintf(scenario_dir, sizeof scenario_dir, "%s", env);
    else
        dir_of(scenario_dir, sizeof scenario_dir, argv[0]);
    env = getenv("WEFT_EXPECTED_DIR");
    if (env != NULL && *env) {
        snprintf(expected_dir, sizeof expected_dir, "%s", env);
    } else {
        const char *srcdir = getenv("srcdir");
        snprintf(expected_dir, sizeof expected_dir, "%s/tests/asyncio/expected",
                 srcdir && *srcdir ? srcdir : ".");
    }

    DIR *d = opendir(expected_dir);
    if (d == NULL) {
        fprintf(stderr, "test_conformance: cannot open %s: %s (set srcdir)\n", expected_dir,
                strerror(errno));
        return 1;
    }
    size_t n = 0, cap = 64;
    scenario *list = malloc(cap * sizeof *list);
    struct dirent *e;
    while (list != NULL && (e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        size_t len = strlen(nm);
        /* NN_name.txt */
        if (len < 8 || len - 4 >= sizeof list->name || nm[0] < '0' || nm[0] > '9' ||
            nm[1] < '0' || nm[1] > '9' || nm[2] != '_' || strcmp(nm + len - 4, ".txt") != 0)
            continue;
        if (n == cap) {
            scenario *bigger = realloc(list, (cap *= 2) * sizeof *list);
            if (bigger == NULL) {
                free(list);
                list = NULL;
                break;
            }
            list = bigger;
        }
        snprintf(list[n].name, sizeof list[n].name, "%.*s", (int)(len - 4), nm);
        if (wanted(list[n].name, argc, argv))
            n++;
    }
    closedir(d);
    if (list == NULL) {
        fprintf(stderr, "test_conformance: out of memory\n");
        return 1;
    }
    if (n == 0) {
        fprintf(stderr, "test_conformance: no scenarios in %s\n", expected_dir);
        free(list);
        return 1;
    }
    qsort(list, n, sizeof *list, cmp_scenarios);

    struct CMUnitTest *tests = calloc(n, sizeof *tests);
    if (tests == NULL) {
        free(list);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        tests[i].name = list[i].name;
        tests[i].test_func = run_scenario;
        tests[i].initial_state = &list[i];
    }
    printf("asyncio conformance: %zu scenarios from %s, programs in %s\n", n, expected_dir,
           scenario_dir);
    int failed = _cmocka_run_group_tests("asyncio_conformance", tests, n, NULL, NULL);
    free(tests);
    free(list);
    return failed ? 1 : 0;
}
