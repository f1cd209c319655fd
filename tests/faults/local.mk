# Allocation-failure sweep (included from the top-level Makefile.am; paths are
# relative to the top directory). tests/faults/test_faults is built from the
# library's own sources under ASan+UBSan (LeakSanitizer on), like the stress
# programs are under TSan, and links every asyncio conformance scenario in:
# each scenario's main() is compiled as fault_scenario_NN_name() into
# tests/faults/libfaultscenarios.a, and tests/faults/scenario_list.h lists
# them, so the sweep runs their bodies in-process without copying them.
FAULTS_SANITIZER = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FAULTS_CFLAGS = -O1 -g -fno-omit-frame-pointer $(FAULTS_SANITIZER)

# In make check wherever the compiler has ASan; `make check-faults` runs it
# alone (WEFT_FAULTS_FULL=1 for every k).
if HAVE_ASAN
check_PROGRAMS += tests/faults/test_faults
TESTS += tests/faults/test_faults
else
EXTRA_PROGRAMS += tests/faults/test_faults
endif
check-faults: tests/faults/test_faults
	./tests/faults/test_faults
CLEANFILES += tests/faults/test_faults

tests_faults_test_faults_SOURCES = tests/faults/test_faults.c $(WEFT_SOURCES)
nodist_tests_faults_test_faults_SOURCES = tests/faults/scenario_list.h
tests_faults_test_faults_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tests/faults
tests_faults_test_faults_CFLAGS = $(AM_CFLAGS) $(FAULTS_CFLAGS)
tests_faults_test_faults_CCASFLAGS = $(AM_CCASFLAGS)
tests_faults_test_faults_LDFLAGS = $(FAULTS_SANITIZER)
tests_faults_test_faults_LDADD = tests/faults/libfaultscenarios.a $(CK_LIBS)
EXTRA_tests_faults_test_faults_DEPENDENCIES = tests/faults/libfaultscenarios.a
BUILT_SOURCES = tests/faults/scenario_list.h

# One SCENARIO(name) line per conformance scenario, in suite order.
tests/faults/scenario_list.h: $(srcdir)/tests/asyncio/local.mk $(srcdir)/tests/faults/local.mk
	@$(MKDIR_P) tests/faults
	$(AM_V_GEN)for s in $(ASYNCIO_SCENARIOS); do \
	  echo "SCENARIO($${s##*/})"; done > $@-t && mv $@-t $@

# The scenarios' objects, each main renamed and weft_run routed through the
# sweep's wrapper (which records the outcome of the run).
tests/faults/libfaultscenarios.a: $(ASYNCIO_SCENARIOS:=.c) $(srcdir)/tests/asyncio/scenario.h
	@$(MKDIR_P) tests/faults/scenarios
	$(AM_V_GEN)objects=; for s in $(ASYNCIO_SCENARIOS); do \
	  name=$${s##*/}; object=tests/faults/scenarios/$$name.o; \
	  $(CC) $(DEFS) $(DEFAULT_INCLUDES) $(AM_CPPFLAGS) $(CPPFLAGS) $(AM_CFLAGS) $(CFLAGS) \
	    $(FAULTS_CFLAGS) -Wno-missing-prototypes -Dmain=fault_scenario_$$name -Dweft_run=fault_weft_run \
	    -Dweft_task_create=fault_task_create -Dweft_spawn_named=fault_spawn_named \
	    -Dweft_executor_submit=fault_executor_submit \
	    -c -o $$object $(srcdir)/$$s.c || exit 1; \
	  objects="$$objects $$object"; done; \
	rm -f $@; $(AR) cr $@ $$objects && $(RANLIB) $@

CLEANFILES += tests/faults/scenario_list.h tests/faults/libfaultscenarios.a \
	tests/faults/scenarios/*.o
EXTRA_DIST += tests/faults/README.md
