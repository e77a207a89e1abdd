#ifndef KERN_EXCEPTION_H
#define KERN_EXCEPTION_H
/* Raise an exception for the current (user) thread; returns when a
 * handler has answered KERN_SUCCESS (the thread then resumes). */
void exception(int exc, int code, int subcode);
#endif
