/* cpu_share: whether every allowed CPU is really running, seen from inside the machine.
 *
 * On a VM whose host hands a vCPU to someone else for a while, the guest's clocks keep running
 * and, where the host does not account steal time, nothing in /proc says so; a parallel region
 * then waits for the thread on that vCPU, and a 2-thread point runs at 1-thread speed for as
 * long as it lasts (seconds, on the development VM). The probe pins one pthread to each allowed
 * CPU (not OpenMP threads: the pool and its pinning stay untouched), releases them together and
 * lets each count turns of arithmetic (a fixed block of independent fma chains, then a look
 * at the monotonic clock) until a common deadline. A CPU taken away for part of the window (by
 * the host or by another process) counts fewer turns; so, by design, does one that runs but
 * computes slower (its core shared with a busy hyperthread, or clocked down), which a loop of
 * clock reads alone, the first version, barely sees: it read 0.95 through a sweep in which the
 * 2-thread expsum ran 1.35x instead of 1.98x at an unchanged 1-thread time. That case is not
 * reproduced in the tests, and every CPU slowing alike leaves the balance at 1 (turns_per_s
 * below records it). The result is the least count over the largest: 1 when every CPU ran the
 * whole window at the same speed, 0.5 when one ran half of it.
 *
 * Units: seconds in, a fraction out. Errors: NaN with fewer than two allowed CPUs, when a
 * thread cannot be created or pinned, or when the threads are not all ready within 200 ms.
 * Thread-safety: reentrant, but it occupies every allowed CPU for the window: call it between
 * measurements, never during one, and from one process at a time (the rounds leave it out when
 * MPI ranks may share the node).
 */
#ifndef OMPSWEEP_CPU_SHARE_H
#define OMPSWEEP_CPU_SHARE_H

/* At most this many CPUs are probed (the first ones allowed). */
#define CPU_SHARE_MAX_CPUS 256

/* The probe's window: long enough that a vCPU taken away for a host time slice shows, short
 * enough to run at the end of every round. */
#define CPU_SHARE_WINDOW_S 0.005

/* The least CPU's turns over the most's, for a window of `seconds`; NaN as above. When
 * turns_per_s is not NULL it gets the least CPU's turns per second (NaN as above): an absolute
 * speed, which the balance cannot show when every CPU slows alike (a host that computes slower
 * for minutes); recorded per round for comparisons across runs, deciding nothing. */
double cpu_share_balance(double seconds, double *turns_per_s);

#endif
