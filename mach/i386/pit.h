#ifndef I386_PIT_H
#define I386_PIT_H
#define PIT_INPUT_HZ 1193182
void pit_init(void);
/* Input-clock periods since the last tick; *pending if its interrupt waits. */
unsigned pit_elapsed(int *pending);
#endif
