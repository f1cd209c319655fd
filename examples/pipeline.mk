# examples/pipeline.mk: the producer/consumer pipeline (bounded weft_queue
# across workers, fed by a plain thread), included from the top-level
# Makefile.am after examples/local.mk (paths are relative to the top).
#   make          builds examples/pipeline
#   make demo     runs it (examples/local.mk, before mergesort)
#   make check    runs it too: it checks its answer against a sequential pass
noinst_PROGRAMS += examples/pipeline
examples_pipeline_SOURCES = examples/pipeline.c
examples_pipeline_CFLAGS = $(AM_CFLAGS) -O2
examples_pipeline_LDADD = libweft.la -lpthread
TESTS += examples/pipeline
