/* table: the readable summary of a sweep on stdout.
 *
 * One row per point (time, rate, bandwidth, speedup, ratio to the reference, noise, validation);
 * for every chunked variant measured at several chunks, a threads x chunk table of the rate in
 * millions of items per second (the layout of the classic chunk-size experiment); and one line
 * per variant saying whether its checksum kept the same bits across every point.
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_TABLE_H
#define OMPSWEEP_TABLE_H

#include "engine/sweep.h"

#include <stdio.h>

void table_print(FILE *f, const struct sweep_plan *plan, const struct sweep_result *res);

#endif
