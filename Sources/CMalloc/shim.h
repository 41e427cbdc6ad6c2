// glibc's malloc tuning (mallopt, malloc_trim): keeps a long sync's resident memory flat.
#if defined(__linux__)
#include <malloc.h>
#endif
