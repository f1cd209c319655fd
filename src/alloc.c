#include "alloc.h"

#include <stdlib.h>
#include <string.h>

void *weft_malloc(size_t size) { return malloc(size); }
void *weft_calloc(size_t count, size_t size) { return calloc(count, size); }
void *weft_realloc(void *pointer, size_t size) { return realloc(pointer, size); }
void weft_free(void *pointer)
{
    if (pointer != NULL) /* most optional strings are NULL: skip the call */
        free(pointer);
}

char *weft_strdup(const char *text)
{
    if (text == NULL)
        return NULL;
    size_t length = strlen(text) + 1;
    char *copy = weft_malloc(length);
    if (copy != NULL)
        memcpy(copy, text, length);
    return copy;
}
