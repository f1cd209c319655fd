# The API fuzz target (tests/fuzz/fuzz_api.c). make check replays the
# committed corpus with a plain build (fuzz_replay); `make fuzz` builds the
# libFuzzer target with clang (ASan + UBSan, LeakSanitizer on) from the
# library's sources and fuzzes for FUZZ_SECONDS, starting from the corpus.
# New inputs go to tests/fuzz/corpus-work (not committed); a crash leaves
# tests/fuzz/crash-* to add to the corpus once fixed.
check_PROGRAMS += tests/fuzz/fuzz_replay
TESTS += tests/fuzz/fuzz_replay
tests_fuzz_fuzz_replay_SOURCES = tests/fuzz/fuzz_replay.c tests/fuzz/fuzz_api.c
tests_fuzz_fuzz_replay_LDADD = libweft.la -lpthread
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/make_corpus.py

FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
tests/fuzz/fuzz_api: $(srcdir)/tests/fuzz/fuzz_api.c $(WEFT_SOURCES)
	@$(MKDIR_P) tests/fuzz
	sources=; for source in $(WEFT_SOURCES); do case $$source in \
		*.c|*.S) sources="$$sources $(top_srcdir)/$$source";; esac; done; \
	$(FUZZ_CC) $(FUZZ_FLAGS) $(DEFS) -I$(top_builddir) $(AM_CPPFLAGS) \
		$(srcdir)/tests/fuzz/fuzz_api.c $$sources $(CK_LIBS) -lpthread -o $@
fuzz: tests/fuzz/fuzz_api
	@$(MKDIR_P) tests/fuzz/corpus-work
	./tests/fuzz/fuzz_api -max_total_time=$(FUZZ_SECONDS) -timeout=10 -artifact_prefix=tests/fuzz/ \
		tests/fuzz/corpus-work $(srcdir)/tests/fuzz/corpus
CLEANFILES += tests/fuzz/fuzz_api
