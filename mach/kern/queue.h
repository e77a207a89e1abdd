/* Circular doubly-linked lists with a head node (as Mach's queue_t). */
#ifndef KERN_QUEUE_H
#define KERN_QUEUE_H
#include <stddef.h>

struct queue_entry {
	struct queue_entry *next, *prev;
};
typedef struct queue_entry queue_head_t;
typedef struct queue_entry queue_chain_t;

#define QUEUE_HEAD_INIT(name) {&(name), &(name)}

static inline void queue_init(queue_head_t *q) { q->next = q->prev = q; }
static inline int queue_empty(const queue_head_t *q) { return q->next == q; }

static inline void queue_enter_tail(queue_head_t *q, queue_chain_t *e)
{
	e->prev = q->prev;
	e->next = q;
	q->prev->next = e;
	q->prev = e;
}

static inline void queue_remove_entry(queue_chain_t *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	e->next = e->prev = NULL;
}

static inline int queue_linked(const queue_chain_t *e) { return e->next != NULL; }

#define queue_container(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define queue_first_entry(q, type, member) queue_container((q)->next, type, member)
#define queue_iterate(q, elt, type, member)                                                   \
	for ((elt) = queue_container((q)->next, type, member); &(elt)->member != (q);          \
	     (elt) = queue_container((elt)->member.next, type, member))
#endif
