/* temp_registry: the temporary files this process has open (io/atomic_file.h registers each
 * one between its creation and its rename or removal), so that SIGINT, SIGTERM or SIGHUP
 * removes them before the process dies of that signal.
 *
 * temp_registry_install sets the handler of those signals (once, at start-up; a signal that
 * was ignored when the process started stays ignored). The handler unlinks every registered
 * name, then restores the default action and raises the signal again, so the process ends as
 * the signal's default action ends it (the parent sees WIFSIGNALED). In a child forked by this
 * process (before it executes another program) the handler removes nothing: the files are the
 * parent's.
 *
 * Capacity: TEMP_REGISTRY_SLOTS names at once (more than the threads a command may run, each
 * writing one file); temp_registry_add fails with EMFILE beyond that.
 * Errors: temp_registry_add returns 0 or an errno value; nothing is printed.
 * Thread-safety: add and remove may be called from any thread at any time (lock-free slots);
 * a registered name must stay unchanged, at the same address, until it is removed.
 */
#ifndef OMPSWEEP_TEMP_REGISTRY_H
#define OMPSWEEP_TEMP_REGISTRY_H

enum { TEMP_REGISTRY_SLOTS = 8192 };

/* Registers path (not copied: see above); *slot receives the handle for temp_registry_remove. */
int temp_registry_add(const char *path, int *slot);

/* Forgets the name in slot (after the file was renamed or removed); a negative slot is ignored. */
void temp_registry_remove(int slot);

/* Removes every registered file and forgets it, in the process that installed the handler only
 * (async-signal-safe). For an exit that no caller returns from: a library that ends the process
 * (libgomp when it cannot create a thread) runs the atexit handlers. */
void temp_registry_remove_files(void);

/* Installs the handler of SIGINT, SIGTERM and SIGHUP; 0, or an errno value. */
int temp_registry_install(void);

#endif
