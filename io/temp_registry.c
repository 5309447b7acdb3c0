/* temp_registry: live temporary files, removed on a fatal signal (see temp_registry.h). */
#include "temp_registry.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <unistd.h>

/* A slot holds a pointer to the caller's name, or NULL when free. Only pointers are stored, so
 * the handler reads each slot in one atomic load and never sees half a name. */
static _Atomic(const char *) slots[TEMP_REGISTRY_SLOTS];
static atomic_int hint; /* where the next search for a free slot starts */
static pid_t owner;     /* the process that installed the handler */

int temp_registry_add(const char *path, int *slot) {
    int start = atomic_fetch_add_explicit(&hint, 1, memory_order_relaxed);
    for (int k = 0; k < TEMP_REGISTRY_SLOTS; k++) {
        int i = (int)(((unsigned)start + (unsigned)k) % TEMP_REGISTRY_SLOTS);
        const char *empty = NULL;
        if (atomic_compare_exchange_strong(&slots[i], &empty, path)) {
            *slot = i;
            return 0;
        }
    }
    *slot = -1;
    return EMFILE;
}

void temp_registry_remove(int slot) {
    if (slot >= 0 && slot < TEMP_REGISTRY_SLOTS)
        atomic_store(&slots[slot], NULL);
}

/* Async-signal-safe: atomic loads, unlink and getpid only. */
void temp_registry_remove_files(void) {
    if (getpid() != owner)
        return;
    for (int i = 0; i < TEMP_REGISTRY_SLOTS; i++) {
        const char *path = atomic_exchange(&slots[i], NULL);
        if (path)
            unlink(path);
    }
}

/* Async-signal-safe: the above, signal and raise. */
static void remove_and_die(int sig) {
    int saved = errno;
    temp_registry_remove_files();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered, with the default action, when this handler returns */
    errno = saved;
}

int temp_registry_install(void) {
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    owner = getpid();
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction old, sa = {.sa_handler = remove_and_die};
        sigemptyset(&sa.sa_mask);
        for (size_t j = 0; j < sizeof signals / sizeof signals[0]; j++)
            sigaddset(&sa.sa_mask, signals[j]);
        if (sigaction(signals[i], NULL, &old) != 0)
            return errno;
        if (old.sa_handler == SIG_IGN)
            continue; /* ignored by whoever started us (nohup, a background job): keep it so */
        if (sigaction(signals[i], &sa, NULL) != 0)
            return errno;
    }
    return 0;
}
