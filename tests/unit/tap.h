/* tests/unit/tap.h: TAP from C unit tests. CHECK(cond, "what it proves") then return tap_done(). */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
static int tap_n, tap_failed;
/* cond is evaluated once (it may call the code under test). */
#define CHECK(cond, ...) do { \
	int tap_ok = (cond) ? 1 : 0; \
	tap_n++; \
	if (tap_ok) printf("ok %d - ", tap_n); \
	else { tap_failed++; printf("not ok %d - ", tap_n); } \
	printf(__VA_ARGS__); printf("\n"); \
	if (!tap_ok) printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
} while (0)
static inline int tap_done(void) { printf("1..%d\n", tap_n); return tap_failed != 0; }
#endif
