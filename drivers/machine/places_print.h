/* places_print: where the ranks of a run and their OpenMP threads run, as text for
 * `ompsweep info` and `ompsweep info --affinity` (the places come from rank_places.h).
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_PLACES_PRINT_H
#define OMPSWEEP_PLACES_PRINT_H

#include "machine/rank_places.h"

#include <stdio.h>

/* One line per rank, and a warning line per host where ranks share CPUs. */
void places_print_ranks(FILE *f, const struct rank_places *p);

/* The map of every rank and thread, then a warning line for each core that more than one
 * thread (of any rank on that host) runs on. Returns the number of such shared cores. */
int places_print_threads(FILE *f, const struct rank_places *p);

#endif
