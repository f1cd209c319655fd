/* weft context switch for AArch64, AAPCS64.
 *
 * Saved: x19-x28, the frame pointer x29, the link register x30, sp, the low
 * halves d8-d15 of v8-v15 (only those 64 bits are callee-saved, AAPCS64
 * section 6.1.2) and FPCR, so each context keeps its own rounding mode.
 * x18 is the platform register and is deliberately left alone.
 *
 * Frame left on a suspended stack, from the saved stack pointer upward:
 *     +0   x19 x20 x21 x22 x23 x24 x25 x26 x27 x28
 *     +80  x29 x30
 *     +96  d8 .. d15
 *     +160 FPCR, then 8 bytes padding so sp stays 16-byte aligned
 * weft_context_make builds the same frame by hand, with the trampoline in
 * x30, entry in x20 and its argument in x19.
 */
/* Under autoconf, --with-context=ucontext defines WEFT_CONTEXT_UCONTEXT only
 * in config.h; every file that tests the macro must see it. */
#if defined(HAVE_CONFIG_H)
#include "config.h"
#endif

#if defined(__aarch64__) && !defined(WEFT_CONTEXT_UCONTEXT)

/* With -mbranch-protection=bti, indirect calls (a PLT stub is one) may only
 * land on a BTI instruction.  "hint 34" is "bti c" and a no-op on older cores. */
#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#define WEFT_BTI_C hint 34
#else
#define WEFT_BTI_C
#endif

#define WEFT_FRAME 176

	.text

/* void weft_context_switch(weft_context *from [x0], weft_context *to [x1]) */
	.p2align 4
	.globl	weft_context_switch
	.type	weft_context_switch, %function
weft_context_switch:
	.cfi_startproc
	WEFT_BTI_C
	sub	sp, sp, #WEFT_FRAME
	.cfi_def_cfa_offset WEFT_FRAME
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	.cfi_offset x29, -96
	.cfi_offset x30, -88
	stp	d8, d9, [sp, #96]
	stp	d10, d11, [sp, #112]
	stp	d12, d13, [sp, #128]
	stp	d14, d15, [sp, #144]
	mrs	x9, fpcr
	str	x9, [sp, #160]

	mov	x9, sp
	str	x9, [x0]
	/* From here on we run on the other stack; its frame has the same shape,
	 * so the CFI above still describes it. */
	ldr	x9, [x1]
	mov	sp, x9

	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldp	d8, d9, [sp, #96]
	ldp	d10, d11, [sp, #112]
	ldp	d12, d13, [sp, #128]
	ldp	d14, d15, [sp, #144]
	/* Writing FPCR can stall the pipeline on some cores, and the two
	 * contexts nearly always agree, so only write it when they differ. */
	ldr	x9, [sp, #160]
	mrs	x10, fpcr
	cmp	x9, x10
	b.eq	1f
	msr	fpcr, x9
1:
	add	sp, sp, #WEFT_FRAME
	.cfi_def_cfa_offset 0
	.cfi_restore x29
	.cfi_restore x30
	ret
	.cfi_endproc
	.size	weft_context_switch, .-weft_context_switch

/* First code run by a new context, reached through the "ret" above with sp at
 * the 16-byte aligned top of the stack and x29 = 0, which ends frame-pointer
 * walks.  x30 is marked undefined so unwinders stop here. */
	.p2align 4
	.type	weft_context_trampoline, %function
weft_context_trampoline:
	.cfi_startproc
	.cfi_undefined x30
	mov	x0, x19
	blr	x20
	/* entry must not return; if it does, fail loudly rather than run off. */
	bl	abort
	brk	#0
	.cfi_endproc
	.size	weft_context_trampoline, .-weft_context_trampoline

/* void weft_context_make(weft_context *ctx [x0], void *stack_low [x1],
 *                        size_t size [x2], weft_context_entry entry [x3],
 *                        void *arg [x4]) */
	.p2align 4
	.globl	weft_context_make
	.type	weft_context_make, %function
weft_context_make:
	.cfi_startproc
	WEFT_BTI_C
	add	x9, x1, x2
	and	x9, x9, #~15
	sub	x9, x9, #WEFT_FRAME
	stp	x4, x3, [x9, #0]	/* x19 = arg, x20 = entry */
	stp	xzr, xzr, [x9, #16]
	stp	xzr, xzr, [x9, #32]
	stp	xzr, xzr, [x9, #48]
	stp	xzr, xzr, [x9, #64]
	adr	x10, weft_context_trampoline
	stp	xzr, x10, [x9, #80]	/* x29 = 0, x30 = trampoline */
	stp	xzr, xzr, [x9, #96]
	stp	xzr, xzr, [x9, #112]
	stp	xzr, xzr, [x9, #128]
	stp	xzr, xzr, [x9, #144]
	mrs	x10, fpcr
	stp	x10, xzr, [x9, #160]
	str	x9, [x0]
	ret
	.cfi_endproc
	.size	weft_context_make, .-weft_context_make

/* Tell the linker this object keeps BTI working, so linking it into a BTI
 * program does not silently turn BTI off for the whole program.  Layout per
 * the ELF gABI "GNU property" note: GNU_PROPERTY_AARCH64_FEATURE_1_AND
 * (0xc0000000) with bit 0 = BTI, bit 1 = PAC. */
#if defined(__ARM_FEATURE_BTI_DEFAULT) && __ARM_FEATURE_BTI_DEFAULT
#if defined(__ARM_FEATURE_PAC_DEFAULT) && __ARM_FEATURE_PAC_DEFAULT
#define WEFT_AARCH64_FEATURES 3
#else
#define WEFT_AARCH64_FEATURES 1
#endif
	.pushsection .note.gnu.property, "a"
	.p2align 3
	.long	4			/* name size */
	.long	16			/* descriptor size */
	.long	5			/* NT_GNU_PROPERTY_TYPE_0 */
	.asciz	"GNU"
	.long	0xc0000000		/* GNU_PROPERTY_AARCH64_FEATURE_1_AND */
	.long	4			/* property data size */
	.long	WEFT_AARCH64_FEATURES
	.long	0			/* pad to 8 bytes */
	.popsection
#endif

#endif

/* Emitted even when the file is otherwise empty: an object without this note
 * would make the linker ask for an executable stack. */
	.section .note.GNU-stack,"",%progbits
