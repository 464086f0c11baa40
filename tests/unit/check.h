/* A very small test harness: tests are functions named as behaviour, run by RUN(), and a
 * failing CHECK names the test, the file and line, and the condition. */
#ifndef NETRAL_CHECK_H
#define NETRAL_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_tests;
static const char *check_current = "";

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n", __FILE__, __LINE__,           \
                    check_current, #cond);                                                 \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define CHECK_STR(actual, expected)                                                        \
    do {                                                                                   \
        const char *a_ = (actual), *e_ = (expected);                                       \
        if (a_ == NULL || strcmp(a_, e_) != 0) {                                           \
            fprintf(stderr, "%s:%d: %s: got \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
                    check_current, a_ ? a_ : "(null)", e_);                                \
            check_failures++;                                                              \
        }                                                                                  \
    } while (0)

#define RUN(test)                                                                          \
    do {                                                                                   \
        int before_ = check_failures;                                                      \
        check_current = #test;                                                             \
        check_tests++;                                                                     \
        test();                                                                            \
        printf("%s %s\n", check_failures == before_ ? "ok  " : "FAIL", #test);             \
    } while (0)

#define CHECK_REPORT()                                                                     \
    (printf("%d tests, %d failed checks\n", check_tests, check_failures), check_failures != 0)

#endif
