/* The user side's view of full.defs. */
typedef int user_flavor_t;
