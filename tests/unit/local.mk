# cmocka unit tests: one program per area of the public API.
UNIT_TESTS = tests/unit/test_smoke
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)
tests_unit_test_smoke_LDADD = libweft.la $(CMOCKA_LIBS)
