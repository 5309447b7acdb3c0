/* context_write: the context of a run (machine/context.h) written out: as the "context" object
 * every result file carries (results/README.md lists its keys), and as the "key: value" lines
 * of `ompsweep info`.
 * Units: as in struct context; the text shows sizes in binary units (KiB, MiB). Values that are
 * absent are null in JSON. Errors: left in the writer's FILE (check ferror once at the end).
 * Thread-safety: one writer per FILE.
 */
#ifndef OMPSWEEP_CONTEXT_WRITE_H
#define OMPSWEEP_CONTEXT_WRITE_H

#include "format/json.h"
#include "machine/context.h"

#include <stdio.h>

/* Writes ctx as an object under the key "context" (the writer must be inside an object). */
void context_write_json(struct json_writer *w, const struct context *ctx);

/* Human-readable "key: value" lines for `ompsweep info`. */
void context_print(FILE *f, const struct context *ctx);

#endif
