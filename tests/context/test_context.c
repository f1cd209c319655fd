/* Standalone test of the context, stack and fiber layers.
 *
 * Plain C, no framework: one line per check, then "N passed, M failed", exit
 * status 0 only when nothing failed.  Builds with either context backend
 * (define WEFT_CONTEXT_UCONTEXT for the ucontext one) and on x86-64 or
 * AArch64; scripts/check-aarch64 runs it under qemu.
 *
 * WEFT_TEST_SWITCHES in the environment sets how many switches the timing
 * loop makes (default 10 million; fewer under sanitizers or with ucontext).
 */
#include "arch/context.h"
#include "fiber.h"
#include "stack.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#if defined(WEFT_CONTEXT_UCONTEXT)
#define UCONTEXT_BACKEND 1
#else
#define UCONTEXT_BACKEND 0
#endif

static int passed, failed;

/* Not assert(): NDEBUG must not turn the test into a no-op. */
#define CHECK(cond, ...) check_line((cond), __FILE__, __LINE__, __VA_ARGS__)

static void check_line(bool ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s ", ok ? "ok  " : "FAIL");
    vprintf(fmt, ap);
    if (!ok)
        printf("  [%s:%d]", file, line);
    putchar('\n');
    fflush(stdout);
    va_end(ap);
    if (ok)
        passed++;
    else
        failed++;
}

static size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static weft_fiber main_fiber; /* the main thread's own stack */
static weft_stack_pool main_pool;

/* The frame pointer of a function is 16-byte aligned exactly when the
 * function was entered with the stack alignment the ABI requires. */
static __attribute__((noinline)) uintptr_t frame_address(void)
{
    __asm__ volatile("");
    return (uintptr_t)__builtin_frame_address(0);
}

/* pthread_self() is declared const; after a switch that moved us to another
 * thread the compiler could reuse the old answer.  This wrapper cannot be. */
static __attribute__((noinline)) pthread_t this_thread(void)
{
    __asm__ volatile("");
    return pthread_self();
}

/* ---- raw contexts, no fiber layer ------------------------------------- */

static weft_context raw_main, raw_ctx;
static uintptr_t raw_entry_frame, raw_callee_frame;

static void raw_entry(void *arg)
{
    unsigned long *counter = arg;
    raw_entry_frame = (uintptr_t)__builtin_frame_address(0);
    raw_callee_frame = frame_address();
    for (;;) {
        ++*counter;
        weft_context_switch(&raw_ctx, &raw_main);
    }
}

static void test_raw_context(void)
{
    weft_stack s;
    CHECK(weft_stack_acquire(&main_pool, &s) == 0, "raw: stack acquired");
    unsigned long counter = 0;
    weft_context_make(&raw_ctx, s.low, s.size, raw_entry, &counter);
    bool in_step = true;
    for (unsigned long i = 1; i <= 1000; i++) {
        weft_context_switch(&raw_main, &raw_ctx);
        in_step &= counter == i;
    }
    CHECK(in_step, "raw: 1000 round trips main <-> context, counter in step");
    CHECK((raw_entry_frame & 15) == 0 && (raw_callee_frame & 15) == 0,
          "raw: entry stack 16-byte aligned (frame %#lx)", (unsigned long)raw_entry_frame);

    /* A top that is not 16-byte aligned must be rounded down, not trusted. */
    counter = 0;
    raw_entry_frame = 1;
    weft_context_make(&raw_ctx, s.low, s.size - 24, raw_entry, &counter);
    weft_context_switch(&raw_main, &raw_ctx);
    CHECK(counter == 1 && (raw_entry_frame & 15) == 0 &&
              raw_entry_frame < (uintptr_t)s.low + s.size - 24,
          "raw: misaligned stack top is aligned down (frame %#lx)",
          (unsigned long)raw_entry_frame);
    weft_stack_release(&main_pool, &s);
}

/* ---- ping-pong between two fibers -------------------------------------- */

#define PINGPONG_ROUNDS 100000
static weft_fiber ping, pong;
static unsigned long ping_count, pong_count;
static bool ping_current_ok = true, pong_current_ok = true;

static void ping_entry(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        ping_count++;
        ping_current_ok &= weft_fiber_current() == &ping;
        weft_fiber_switch(&ping, &pong);
    }
    weft_fiber_exit_to(&ping, &pong); /* pong finishes its last round */
}

static void pong_entry(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGPONG_ROUNDS; i++) {
        pong_count++;
        pong_current_ok &= weft_fiber_current() == &pong && ping_count == pong_count;
        weft_fiber_switch(&pong, &ping);
    }
    weft_fiber_exit_to(&pong, &main_fiber);
}

static void test_pingpong(void)
{
    CHECK(weft_fiber_start(&ping, &main_pool, ping_entry, NULL, NULL) == 0 &&
              weft_fiber_start(&pong, &main_pool, pong_entry, NULL, NULL) == 0,
          "pingpong: two fibers started");
    weft_fiber_switch(&main_fiber, &ping);
    CHECK(ping_count == PINGPONG_ROUNDS && pong_count == PINGPONG_ROUNDS,
          "pingpong: %d rounds between two fibers (%lu/%lu)", PINGPONG_ROUNDS, ping_count,
          pong_count);
    CHECK(ping_current_ok && pong_current_ok, "pingpong: weft_fiber_current() right in both");
    CHECK(weft_fiber_current() == &main_fiber, "pingpong: main is current again");
    weft_fiber_release(&ping, &main_pool);
    weft_fiber_release(&pong, &main_pool);
}

/* ---- a fiber and the main context -------------------------------------- */

#define MAIN_ROUNDS 10000
static weft_fiber echo;
static volatile unsigned long echo_in, echo_out;

static void echo_entry(void *arg)
{
    unsigned long rounds = *(unsigned long *)arg;
    for (unsigned long i = 0; i < rounds; i++) {
        echo_out = echo_in * 2 + (weft_fiber_current() == &echo);
        weft_fiber_switch(&echo, &main_fiber);
    }
    weft_fiber_exit_to(&echo, &main_fiber);
}

static void test_main_fiber(void)
{
    unsigned long rounds = MAIN_ROUNDS;
    CHECK(weft_fiber_start(&echo, &main_pool, echo_entry, &rounds, NULL) == 0,
          "main<->fiber: started");
    bool ok = true;
    for (unsigned long i = 0; i < rounds; i++) {
        echo_in = i;
        weft_fiber_switch(&main_fiber, &echo);
        ok &= echo_out == i * 2 + 1 && weft_fiber_current() == &main_fiber;
    }
    weft_fiber_switch(&main_fiber, &echo); /* lets it leave its loop and exit */
    CHECK(ok, "main<->fiber: %d round trips, values and current fiber right", MAIN_ROUNDS);
    weft_fiber_release(&echo, &main_pool);
}

/* ---- callee-saved registers -------------------------------------------- */

/* weft_test_callee_saved(fn, arg, seed) loads every callee-saved register
 * with seed + k, calls fn(arg), and returns the OR of (register ^ expected)
 * over all of them: 0 when everything survived.  Written in assembly because
 * C cannot pin values to those registers across a call. */
#if defined(__x86_64__)
#define HAVE_REGISTER_PROBE 1
__asm__(".text\n"
        ".p2align 4\n"
        ".globl weft_test_callee_saved\n"
        ".type weft_test_callee_saved, @function\n"
        "weft_test_callee_saved:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n"
        "  pushq %r14\n  pushq %r15\n  pushq %rdx\n" /* 7 pushes: aligned */
        "  leaq 1(%rdx), %rbx\n  leaq 2(%rdx), %rbp\n  leaq 3(%rdx), %r12\n"
        "  leaq 4(%rdx), %r13\n  leaq 5(%rdx), %r14\n  leaq 6(%rdx), %r15\n"
        "  movq %rdi, %rax\n  movq %rsi, %rdi\n  callq *%rax\n"
        "  movq (%rsp), %rdx\n  xorl %eax, %eax\n"
        "  leaq 1(%rdx), %rcx\n  xorq %rbx, %rcx\n  orq %rcx, %rax\n"
        "  leaq 2(%rdx), %rcx\n  xorq %rbp, %rcx\n  orq %rcx, %rax\n"
        "  leaq 3(%rdx), %rcx\n  xorq %r12, %rcx\n  orq %rcx, %rax\n"
        "  leaq 4(%rdx), %rcx\n  xorq %r13, %rcx\n  orq %rcx, %rax\n"
        "  leaq 5(%rdx), %rcx\n  xorq %r14, %rcx\n  orq %rcx, %rax\n"
        "  leaq 6(%rdx), %rcx\n  xorq %r15, %rcx\n  orq %rcx, %rax\n"
        "  popq %rdx\n  popq %r15\n  popq %r14\n  popq %r13\n"
        "  popq %r12\n  popq %rbx\n  popq %rbp\n  ret\n"
        ".size weft_test_callee_saved, .-weft_test_callee_saved\n");
#elif defined(__aarch64__)
#define HAVE_REGISTER_PROBE 1
#define SET_X(n) "  add x" #n ", x2, #" #n "\n"
#define SET_D(n) "  add x9, x2, #" #n "\n  fmov d" #n ", x9\n"
#define CMP_X(n) "  add x9, x2, #" #n "\n  eor x9, x9, x" #n "\n  orr x0, x0, x9\n"
#define CMP_D(n) "  add x9, x2, #" #n "\n  fmov x10, d" #n "\n  eor x9, x9, x10\n  orr x0, x0, x9\n"
__asm__(".text\n"
        ".p2align 4\n"
        ".globl weft_test_callee_saved\n"
        ".type weft_test_callee_saved, %function\n"
        "weft_test_callee_saved:\n"
        "  stp x29, x30, [sp, #-176]!\n"
        "  stp x19, x20, [sp, #16]\n  stp x21, x22, [sp, #32]\n"
        "  stp x23, x24, [sp, #48]\n  stp x25, x26, [sp, #64]\n"
        "  stp x27, x28, [sp, #80]\n"
        "  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n"
        "  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
        "  str x2, [sp, #160]\n"
        SET_X(19) SET_X(20) SET_X(21) SET_X(22) SET_X(23) SET_X(24) SET_X(25)
        SET_X(26) SET_X(27) SET_X(28) SET_X(29)
        SET_D(8) SET_D(9) SET_D(10) SET_D(11) SET_D(12) SET_D(13) SET_D(14) SET_D(15)
        "  mov x9, x0\n  mov x0, x1\n  blr x9\n"
        "  ldr x2, [sp, #160]\n  mov x0, xzr\n"
        CMP_X(19) CMP_X(20) CMP_X(21) CMP_X(22) CMP_X(23) CMP_X(24) CMP_X(25)
        CMP_X(26) CMP_X(27) CMP_X(28) CMP_X(29)
        CMP_D(8) CMP_D(9) CMP_D(10) CMP_D(11) CMP_D(12) CMP_D(13) CMP_D(14) CMP_D(15)
        "  ldp d8, d9, [sp, #96]\n  ldp d10, d11, [sp, #112]\n"
        "  ldp d12, d13, [sp, #128]\n  ldp d14, d15, [sp, #144]\n"
        "  ldp x19, x20, [sp, #16]\n  ldp x21, x22, [sp, #32]\n"
        "  ldp x23, x24, [sp, #48]\n  ldp x25, x26, [sp, #64]\n"
        "  ldp x27, x28, [sp, #80]\n"
        "  ldp x29, x30, [sp], #176\n  ret\n"
        ".size weft_test_callee_saved, .-weft_test_callee_saved\n");
#else
#define HAVE_REGISTER_PROBE 0
#endif

#if HAVE_REGISTER_PROBE
uint64_t weft_test_callee_saved(void (*fn)(void *), void *arg, uint64_t seed);

static weft_fiber regs_fiber;
static uint64_t regs_fiber_result = 1;

static void yield_to_main(void *arg)
{
    (void)arg;
    weft_fiber_switch(&regs_fiber, &main_fiber);
}

static void resume_regs_fiber(void *arg)
{
    (void)arg;
    weft_fiber_switch(&main_fiber, &regs_fiber);
}

static void regs_entry(void *arg)
{
    (void)arg;
    regs_fiber_result = weft_test_callee_saved(yield_to_main, NULL, UINT64_C(0x2222222200000000));
    weft_fiber_exit_to(&regs_fiber, &main_fiber);
}

static void test_registers(void)
{
    CHECK(weft_fiber_start(&regs_fiber, &main_pool, regs_entry, NULL, NULL) == 0,
          "registers: fiber started");
    /* Main holds one pattern while the fiber loads another and switches
     * back; then the fiber checks its pattern after main resumed it. */
    uint64_t main_result =
        weft_test_callee_saved(resume_regs_fiber, NULL, UINT64_C(0x1111111100000000));
    CHECK(main_result == 0, "registers: main's callee-saved registers survive a fiber's run");
    main_result = weft_test_callee_saved(resume_regs_fiber, NULL, UINT64_C(0x3333333300000000));
    CHECK(regs_fiber_result == 0, "registers: fiber's callee-saved registers survive main's run");
    CHECK(main_result == 0, "registers: main's registers survive the fiber's exit");
    weft_fiber_release(&regs_fiber, &main_pool);
}
#else
static void test_registers(void)
{
    printf("skip registers: no register probe for this architecture\n");
}
#endif

/* ---- floating point ---------------------------------------------------- */

#if defined(__x86_64__)
#define HAVE_FP_CONTROL 1
/* MXCSR control bits (status flags masked off: they are not callee-saved and
 * change with every inexact division) and the x87 control word. */
static uint64_t fp_control(void)
{
    uint32_t mxcsr;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    return (mxcsr & 0xffc0u) | (uint64_t)cw << 32;
}

static void fp_round_upward(void)
{
    uint32_t mxcsr;
    uint16_t cw;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    mxcsr = (mxcsr & ~0x6000u) | 0x4000u; /* RC = 10: toward +inf */
    __asm__ volatile("ldmxcsr %0" : : "m"(mxcsr) : "memory");
    __asm__ volatile("fnstcw %0" : "=m"(cw));
    cw = (uint16_t)((cw & ~0x0c00u) | 0x0800u);
    __asm__ volatile("fldcw %0" : : "m"(cw) : "memory");
}
#elif defined(__aarch64__)
#define HAVE_FP_CONTROL 1
static uint64_t fp_control(void)
{
    uint64_t fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    return fpcr;
}

static void fp_round_upward(void)
{
    uint64_t fpcr = fp_control();
    fpcr = (fpcr & ~(UINT64_C(3) << 22)) | (UINT64_C(1) << 22); /* RMode = RP */
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr) : "memory");
}
#else
#define HAVE_FP_CONTROL 0
#endif

static volatile double fp_one = 1.0, fp_three = 3.0;

/* volatile operands keep the division at run time, under the current mode. */
static __attribute__((noinline)) double one_third(void)
{
    return fp_one / fp_three;
}

static weft_fiber fp_fiber;
static double fp_fiber_third;
static bool fp_fiber_mode_kept, fp_fiber_values_kept;

static void fp_entry(void *arg)
{
    (void)arg;
    double v[8];
    volatile double copy[8];
    for (int i = 0; i < 8; i++)
        copy[i] = v[i] = fp_one * (i + 0.25) / fp_three;
#if HAVE_FP_CONTROL
    fp_round_upward();
    uint64_t mine = fp_control();
#endif
    fp_fiber_third = one_third();
    weft_fiber_switch(&fp_fiber, &main_fiber);
    bool kept = true;
    for (int i = 0; i < 8; i++)
        kept &= v[i] == copy[i];
    fp_fiber_values_kept = kept;
#if HAVE_FP_CONTROL
    fp_fiber_mode_kept = fp_control() == mine && one_third() == fp_fiber_third;
#else
    fp_fiber_mode_kept = true;
#endif
    weft_fiber_exit_to(&fp_fiber, &main_fiber);
}

static void test_floating_point(void)
{
    double nearest = one_third();
#if HAVE_FP_CONTROL
    uint64_t main_mode = fp_control();
#endif
    CHECK(weft_fiber_start(&fp_fiber, &main_pool, fp_entry, NULL, NULL) == 0, "fp: fiber started");
    weft_fiber_switch(&main_fiber, &fp_fiber);
#if HAVE_FP_CONTROL
    CHECK(fp_control() == main_mode && one_third() == nearest,
          "fp: main keeps round-to-nearest while the fiber rounds upward");
    CHECK(fp_fiber_third != nearest, "fp: the fiber's rounding mode really took effect");
#endif
    weft_fiber_switch(&main_fiber, &fp_fiber);
    CHECK(fp_fiber_values_kept, "fp: double values on the fiber survive a switch");
#if HAVE_FP_CONTROL
    CHECK(fp_fiber_mode_kept, "fp: fiber's rounding mode (%s) survives a switch",
#if defined(__x86_64__)
          "MXCSR and x87 control word"
#else
          "FPCR"
#endif
    );
    CHECK(fp_control() == main_mode, "fp: main's mode intact after the fiber exited");
#endif
    weft_fiber_release(&fp_fiber, &main_pool);
}

/* ---- stack alignment on entry ------------------------------------------ */

static weft_fiber align_fiber;
static uintptr_t align_entry_frame, align_callee_frame;
static _Alignas(16) volatile long double align_probe_value;

static void align_entry(void *arg)
{
    (void)arg;
    align_entry_frame = (uintptr_t)__builtin_frame_address(0);
    align_callee_frame = frame_address();
    /* On x86-64 long double moves and SSE spills fault when misaligned. */
    _Alignas(16) volatile long double local = 1.0L;
    align_probe_value = local * 3.0L;
    weft_fiber_exit_to(&align_fiber, &main_fiber);
}

static void test_alignment(void)
{
    CHECK(weft_fiber_start(&align_fiber, &main_pool, align_entry, NULL, NULL) == 0,
          "alignment: fiber started");
    weft_fiber_switch(&main_fiber, &align_fiber);
    CHECK((align_entry_frame & 15) == 0, "alignment: fiber entry frame 16-byte aligned (%#lx)",
          (unsigned long)align_entry_frame);
    CHECK((align_callee_frame & 15) == 0, "alignment: nested call frame 16-byte aligned (%#lx)",
          (unsigned long)align_callee_frame);
    CHECK(align_probe_value == 3.0L, "alignment: aligned long double work on the fiber");
    weft_fiber_release(&align_fiber, &main_pool);
}

/* ---- deep recursion ---------------------------------------------------- */

#define DEEP_STACK_SIZE ((size_t)256 * 1024)
#define DEEP_MARGIN ((size_t)16 * 1024) /* left for the switch at the bottom */
static weft_fiber deep_fiber;
static uintptr_t deep_limit, deep_lowest = UINTPTR_MAX;
static unsigned deep_depth;
static uint64_t deep_errors;

static __attribute__((noinline)) uint64_t recurse(unsigned depth)
{
    volatile unsigned char buf[512];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(depth + i);
    uintptr_t here = frame_address();
    if (here < deep_lowest)
        deep_lowest = here;
    uint64_t errors = 0;
    if (here > deep_limit && depth < 100000) {
        errors = recurse(depth + 1);
    } else {
        deep_depth = depth;
        /* Suspend at the deepest point: the canary check runs here. */
        weft_fiber_switch(&deep_fiber, &main_fiber);
    }
    for (size_t i = 0; i < sizeof buf; i++)
        errors += buf[i] != (unsigned char)(depth + i);
    return errors;
}

static void deep_entry(void *arg)
{
    (void)arg;
    deep_errors = recurse(0);
    weft_fiber_exit_to(&deep_fiber, &main_fiber);
}

static void test_deep_recursion(void)
{
    weft_stack_pool pool;
    CHECK(weft_stack_pool_init(&pool, DEEP_STACK_SIZE, true) == 0, "deep: 256 KiB pool");
    CHECK(weft_fiber_start(&deep_fiber, &pool, deep_entry, NULL, NULL) == 0, "deep: fiber started");
    uintptr_t low = (uintptr_t)deep_fiber.stack.low;
    uintptr_t top = low + deep_fiber.stack.size;
    deep_limit = low + DEEP_MARGIN;
    weft_fiber_switch(&main_fiber, &deep_fiber);
    size_t used = top - deep_lowest;
    CHECK(deep_lowest >= low && used >= DEEP_STACK_SIZE * 3 / 4,
          "deep: recursion used %zu of %zu bytes (%u levels)", used, deep_fiber.stack.size,
          deep_depth);
    CHECK(weft_stack_canary_intact(&deep_fiber.stack), "deep: canary intact at the deepest point");
    weft_fiber_switch(&main_fiber, &deep_fiber);
    CHECK(deep_errors == 0, "deep: every frame's data intact after unwinding");
    weft_fiber_release(&deep_fiber, &pool);
    weft_stack_pool_destroy(&pool);
}

/* ---- stack pools ------------------------------------------------------- */

static bool contains(void *const *set, size_t n, void *p)
{
    for (size_t i = 0; i < n; i++)
        if (set[i] == p)
            return true;
    return false;
}

/* A PROT_NONE page makes write(2) fail with EFAULT instead of faulting. */
static bool is_inaccessible(const void *p)
{
    int fds[2];
    if (pipe(fds) != 0)
        return false;
    bool fault = write(fds[1], p, 1) < 0;
    close(fds[0]);
    close(fds[1]);
    return fault;
}

static void test_pool_basics(void)
{
    weft_stack_pool pool;
    weft_stack s;
    CHECK(weft_stack_pool_init(&pool, 0, false) == 0 && pool.stack_size == WEFT_STACK_DEFAULT_SIZE,
          "pool: default stack size is %zu", (size_t)WEFT_STACK_DEFAULT_SIZE);
    CHECK(weft_stack_acquire(&pool, &s) == 0 &&
              s.size == WEFT_STACK_DEFAULT_SIZE - WEFT_STACK_CANARY_BYTES &&
              (uintptr_t)s.low % page_size() == 0 && weft_stack_canary_intact(&s),
          "pool: acquired stack is page aligned, its slot less the canary above, canary written");
    /* Without guard pages the canary is the top of the slot below. */
    CHECK((char *)s.canary == (char *)s.low - WEFT_STACK_CANARY_BYTES,
          "pool: canary just below the stack");
    memset(s.low, 0xab, s.size); /* all of it is writable */
    weft_stack_release(&pool, &s);
    CHECK(s.low == NULL, "pool: release clears the handle");
    weft_stack_pool_destroy(&pool);

    CHECK(weft_stack_pool_init(&pool, 10000, true) == 0 &&
              pool.stack_size == (10000 + page_size() - 1) / page_size() * page_size(),
          "pool: stack size rounded up to pages (%zu)", pool.stack_size);
    CHECK(weft_stack_acquire(&pool, &s) == 0 && is_inaccessible((char *)s.low - 1) &&
              !is_inaccessible(s.low),
          "pool: guard page below the stack is inaccessible");
    weft_stack_release(&pool, &s);
    weft_stack_pool_destroy(&pool);
}

static void test_pool_reuse(void)
{
    enum { N = 10 };
    weft_stack_pool a, b;
    weft_stack s[N];
    void *lows[N];
    weft_stack_pool_init(&a, 0, false);
    weft_stack_pool_init(&b, 0, false);
    for (int i = 0; i < N; i++) {
        weft_stack_acquire(&a, &s[i]);
        lows[i] = s[i].low;
    }
    size_t slabs = a.slab_count;
    for (int i = 0; i < N; i++)
        weft_stack_release(&a, &s[i]);
    bool all_back = true;
    for (int i = 0; i < N; i++) {
        all_back &= weft_stack_acquire(&a, &s[i]) == 0 && contains(lows, N, s[i].low) &&
                    weft_stack_canary_intact(&s[i]);
        for (int j = 0; j < i; j++)
            all_back &= s[j].low != s[i].low;
    }
    CHECK(all_back && a.slab_count == slabs, "pool: released stacks come back, nothing new mapped");

    void *moved = s[0].low;
    weft_stack_release(&b, &s[0]); /* a stack of pool a, released into pool b */
    weft_stack t;
    CHECK(weft_stack_acquire(&b, &t) == 0 && t.low == moved && b.slab_count == 0 &&
              t.size == a.stack_size - WEFT_STACK_CANARY_BYTES,
          "pool: a stack released into another pool is served by that pool");
    weft_stack_release(&a, &t);
    for (int i = 1; i < N; i++)
        weft_stack_release(&a, &s[i]);
    weft_stack_pool_destroy(&b);
    weft_stack_pool_destroy(&a);
}

static int compare_ptr(const void *x, const void *y)
{
    uintptr_t a = (uintptr_t)(*(weft_stack *const *)x)->low;
    uintptr_t b = (uintptr_t)(*(weft_stack *const *)y)->low;
    return a < b ? -1 : a > b;
}

static void test_pool_slabs(bool guard)
{
    const char *mode = guard ? "guarded" : "unguarded";
    weft_stack_pool pool;
    weft_stack_pool_init(&pool, 0, guard);
    size_t n = pool.slab_stacks * 2 + 3;
    weft_stack *s = calloc(n, sizeof *s);
    weft_stack **order = calloc(n, sizeof *order);
    bool ok = s != NULL && order != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        ok &= weft_stack_acquire(&pool, &s[i]) == 0;
        if (ok) {
            ((volatile char *)s[i].low)[WEFT_STACK_CANARY_BYTES] = 1;
            ((volatile char *)s[i].low)[s[i].size - 1] = 1;
        }
        order[i] = &s[i];
    }
    CHECK(ok && pool.slab_count == 3, "pool(%s): %zu stacks from %zu slabs of %zu", mode, n,
          pool.slab_count, pool.slab_stacks);
    if (!ok) {
        free(s);
        free(order);
        weft_stack_pool_destroy(&pool);
        return;
    }
    qsort(order, n, sizeof *order, compare_ptr);
    bool disjoint = true;
    for (size_t i = 1; i < n; i++)
        disjoint &= (char *)order[i - 1]->low + order[i - 1]->size + pool.guard_size <=
                    (char *)order[i]->low;
    CHECK(disjoint, "pool(%s): stacks are disjoint%s", mode, guard ? " with room for guards" : "");

    for (size_t i = 0; i < n; i++)
        weft_stack_release(&pool, &s[i]);
    CHECK(pool.hot_count == pool.hot_max && pool.cold_count == n - pool.hot_max,
          "pool(%s): %zu stay warm, %zu trimmed", mode, pool.hot_count, pool.cold_count);
    bool again = true;
    for (size_t i = 0; i < n; i++) {
        again &= weft_stack_acquire(&pool, &s[i]) == 0 && weft_stack_canary_intact(&s[i]);
        if (again)
            memset(s[i].low, 0x5a, s[i].size);
    }
    CHECK(again && pool.slab_count == 3 && pool.hot_count == 0 && pool.cold_count == 0,
          "pool(%s): all %zu reacquired (trimmed ones too) without new slabs", mode, n);
    for (size_t i = 0; i < n; i++)
        weft_stack_release(&pool, &s[i]);
    weft_stack_pool_destroy(&pool);
    free(s);
    free(order);
}

/* ---- overflow detection, in child processes ---------------------------- */

static int overflow_owner_token;
static weft_fiber victim;

static void test_overflow_handler(void *owner, size_t stack_size)
{
    _exit(owner == &overflow_owner_token && stack_size == victim.stack.size ? 42 : 43);
}

static void smash_canary_entry(void *arg)
{
    (void)arg;
    volatile unsigned char *bottom = weft_fiber_current()->stack.low;
    bottom[3] ^= 0xff;
    weft_fiber_switch(&victim, &main_fiber); /* must not get there */
    _exit(1);
}

static volatile int keep_recursing = 1;

static unsigned recurse_forever(unsigned depth)
{
    volatile char buf[256];
    buf[0] = (char)depth;
    unsigned r = keep_recursing ? recurse_forever(depth + 1) : 0;
    return r + (unsigned)buf[0];
}

static void overflow_entry(void *arg)
{
    (void)arg;
    recurse_forever(0);
    _exit(1);
}

static int in_child(void (*body)(bool), bool with_handler, bool quiet)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        if (quiet) {
            int devnull = open("/dev/null", O_WRONLY);
            if (devnull >= 0)
                dup2(devnull, STDERR_FILENO);
        }
        body(with_handler);
        _exit(99); /* the body was supposed to end the process */
    }
    int status = -1;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return status;
}

static void canary_child(bool with_handler)
{
    weft_fiber_overflow_handler = with_handler ? test_overflow_handler : NULL;
    if (weft_fiber_start(&victim, &main_pool, smash_canary_entry, NULL, &overflow_owner_token) == 0)
        weft_fiber_switch(&main_fiber, &victim);
}

static void guard_child(bool with_handler)
{
    weft_stack_pool pool;
    weft_fiber_overflow_handler = with_handler ? test_overflow_handler : NULL;
    if (weft_stack_pool_init(&pool, 0, true) == 0 &&
        weft_fiber_start(&victim, &pool, overflow_entry, NULL, &overflow_owner_token) == 0)
        weft_fiber_switch(&main_fiber, &victim);
}

/* A fault that is no fiber's guard-page hit must reach its usual fate. */
static void wild_fault_child(bool unused)
{
    (void)unused;
    weft_stack_pool pool;
    weft_stack s;
    if (weft_stack_pool_init(&pool, 0, true) == 0 && weft_stack_acquire(&pool, &s) == 0)
        *(volatile char *)((char *)s.low - 1) = 1; /* a guard page, but of no running fiber */
}

static void test_overflow(void)
{
    int st = in_child(canary_child, true, false);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "overflow: smashed canary reported to the handler with owner and size (status %#x)", st);
    st = in_child(canary_child, false, true);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT,
          "overflow: without a handler the process aborts (status %#x)", st);
    st = in_child(guard_child, true, false);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "overflow: guard-page hit reported from the signal stack (status %#x)", st);
    st = in_child(wild_fault_child, false, true);
    /* A sanitizer runtime's own SEGV handler, chained to, exits instead. */
    CHECK((WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV) ||
              (UNDER_SANITIZER && WIFEXITED(st) && WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != 99),
          "overflow: other faults keep their default action (status %#x)", st);
}

/* ---- a fiber resumed on another thread --------------------------------- */

static weft_fiber wanderer;
static weft_fiber *wanderer_home; /* native fiber to exit to */
static bool wanderer_started_here, wanderer_moved, wanderer_current_ok;

static void wanderer_entry(void *arg)
{
    pthread_t first = *(pthread_t *)arg;
    wanderer_started_here = pthread_equal(first, this_thread());
    weft_fiber_switch(&wanderer, &main_fiber);
    /* Resumed by the other thread. */
    wanderer_moved = !pthread_equal(first, this_thread());
    wanderer_current_ok = weft_fiber_current() == &wanderer;
    weft_fiber_exit_to(&wanderer, wanderer_home);
}

static void *other_thread(void *arg)
{
    (void)arg;
    weft_fiber native;
    weft_stack_pool pool;
    weft_fiber_thread_init(&native, true);
    weft_stack_pool_init(&pool, 0, true);
    wanderer_home = &native;
    weft_fiber_switch(&native, &wanderer);
    CHECK(wanderer_moved && wanderer_current_ok,
          "threads: fiber resumed on another thread sees that thread and itself as current");
    CHECK(weft_fiber_current() == &native, "threads: the other thread's native fiber is current");
    weft_fiber_release(&wanderer, &pool); /* a stack of main_pool */
    CHECK(pool.hot_count == 1 && pool.slab_count == 0,
          "threads: its stack went into this thread's pool");
    weft_stack t;
    weft_stack_acquire(&pool, &t); /* hand it back to the pool that maps it */
    weft_stack_release(&main_pool, &t);
    weft_stack_pool_destroy(&pool);
    weft_fiber_thread_fini(&native);
    return NULL;
}

static void test_migration(void)
{
    pthread_t self = pthread_self();
    CHECK(weft_fiber_start(&wanderer, &main_pool, wanderer_entry, &self, NULL) == 0,
          "threads: fiber started");
    weft_fiber_switch(&main_fiber, &wanderer);
    CHECK(wanderer_started_here, "threads: fiber first ran on the main thread");
    pthread_t t;
    CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0 && pthread_join(t, NULL) == 0,
          "threads: other thread ran");
    CHECK(weft_fiber_current() == &main_fiber, "threads: main thread's current fiber unchanged");
}

/* ---- timing ------------------------------------------------------------ */

static weft_fiber bench_fiber;
static weft_context bench_main_ctx, bench_ctx;
static volatile bool bench_stop;

static void bench_fiber_entry(void *arg)
{
    (void)arg;
    while (!bench_stop)
        weft_fiber_switch(&bench_fiber, &main_fiber);
    weft_fiber_exit_to(&bench_fiber, &main_fiber);
}

static void bench_raw_entry(void *arg)
{
    (void)arg;
    for (;;)
        weft_context_switch(&bench_ctx, &bench_main_ctx);
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void test_timing(void)
{
    /* swapcontext makes a system call per switch: fewer of them, then. */
    unsigned long switches = UNDER_SANITIZER ? 200000 : UCONTEXT_BACKEND ? 1000000 : 10000000;
    const char *env = getenv("WEFT_TEST_SWITCHES");
    if (env != NULL && strtoul(env, NULL, 10) >= 2)
        switches = strtoul(env, NULL, 10);
    unsigned long rounds = switches / 2;

    weft_stack s;
    weft_stack_acquire(&main_pool, &s);
    weft_context_make(&bench_ctx, s.low, s.size, bench_raw_entry, NULL);
    weft_context_switch(&bench_main_ctx, &bench_ctx); /* warm up */
    double t0 = now_ns();
    for (unsigned long i = 0; i < rounds; i++)
        weft_context_switch(&bench_main_ctx, &bench_ctx);
    double raw = (now_ns() - t0) / (double)(rounds * 2);
    weft_stack_release(&main_pool, &s);

    bench_stop = false;
    weft_fiber_start(&bench_fiber, &main_pool, bench_fiber_entry, NULL, NULL);
    weft_fiber_switch(&main_fiber, &bench_fiber);
    t0 = now_ns();
    for (unsigned long i = 0; i < rounds; i++)
        weft_fiber_switch(&main_fiber, &bench_fiber);
    double fib = (now_ns() - t0) / (double)(rounds * 2);
    bench_stop = true;
    weft_fiber_switch(&main_fiber, &bench_fiber);
    weft_fiber_release(&bench_fiber, &main_pool);

    printf("timing (%s, %lu switches): weft_context_switch %.2f ns/switch, "
           "weft_fiber_switch %.2f ns/switch\n",
           WEFT_CONTEXT_BACKEND, rounds * 2, raw, fib);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("weft context test, backend %s\n", WEFT_CONTEXT_BACKEND);
    weft_fiber_thread_init(&main_fiber, true);
    if (weft_stack_pool_init(&main_pool, 0, true) != 0) {
        printf("FAIL cannot set up a stack pool\n0 passed, 1 failed\n");
        return 1;
    }
    CHECK(weft_fiber_current() == &main_fiber, "init: main thread's native fiber is current");

    test_raw_context();
    test_pingpong();
    test_main_fiber();
    test_registers();
    test_floating_point();
    test_alignment();
    test_deep_recursion();
    test_pool_basics();
    test_pool_reuse();
    test_pool_slabs(false);
    test_pool_slabs(true);
    test_overflow();
    test_migration();
    test_timing();

    weft_stack_pool_destroy(&main_pool);
    weft_fiber_thread_fini(&main_fiber);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
