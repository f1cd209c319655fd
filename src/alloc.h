/* Every internal allocation goes through here, so one hook can replace the
 * allocator (and tests can fail the k-th allocation). */
#ifndef WEFT_ALLOC_H
#define WEFT_ALLOC_H

#include <stddef.h>

void *weft_malloc(size_t size);
void *weft_calloc(size_t count, size_t size);
void *weft_realloc(void *pointer, size_t size);
void weft_free(void *pointer);
/* NULL in, NULL out; NULL also when out of memory (the caller tells them apart). */
char *weft_strdup(const char *text);

/* Counted so that weft_set_allocator can refuse while an executor exists. */
void weft_alloc_executor_created(void);
void weft_alloc_executor_destroyed(void);

#endif
