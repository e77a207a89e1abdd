/* TAP output and cross-links of the interoperability test. */
#ifndef INTEROP_TAP_H
#define INTEROP_TAP_H

void tap(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* What the server behind the current client recorded for i_send. */
int other_last_x(void);
const char *other_last_s(void);
void run_eu(const char *label);
void run_gu(const char *label);
/* With TypeCheck 0 on both sides (interop_nocheck.c). */
void run_eu0(const char *label);
void run_gu0(const char *label);

#endif
