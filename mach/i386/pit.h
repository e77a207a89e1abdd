#ifndef I386_PIT_H
#define I386_PIT_H
#define PIT_INPUT_HZ 1193182
void pit_init(void);
#endif
