/* schema: the names that make ompsweep's result files readable by the report and by anyone
 * else: the "schema" value of each kind of JSON file. Writers (output/) and the report
 * (report/) both take them from here, so the two cannot drift apart; results/README.md
 * documents every file. A schema's number changes when a reader of the old one would
 * misread the new one.
 */
#ifndef OMPSWEEP_SCHEMA_H
#define OMPSWEEP_SCHEMA_H

#define SCHEMA_RUN       "ompsweep-run-1"       /* a sweep: run, cachemap, chunkmap, weak */
#define SCHEMA_OVERHEAD  "ompsweep-overhead-1"  /* ompsweep overhead                     */
#define SCHEMA_BREAKEVEN "ompsweep-breakeven-1" /* ompsweep breakeven                    */
#define SCHEMA_CEILINGS  "ompsweep-ceilings-1"  /* ompsweep ceilings                     */

#endif
