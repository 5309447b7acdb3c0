/* cache_override: OMPSWEEP_CACHES parsed (see cache_override.h). */
#include "machine/cache_override.h"

#include "format/units.h"

#include <stdio.h>
#include <string.h>

static int parse_item(const char *item, struct cache_size *c, char *err, size_t errlen) {
    char inner[UNITS_ERRLEN];
    const char *eq = strchr(item, '=');
    if ((item[0] != 'L' && item[0] != 'l') || item[1] < '1' || item[1] > '5' || eq != item + 2) {
        snprintf(err, errlen, "'%s' is not LEVEL=SIZE (e.g. L2=2M)", item);
        return -1;
    }
    c->level = item[1] - '0';
    if (units_parse_bytes(eq + 1, 1024, 1LL << 40, &c->size_bytes, inner, sizeof inner)) {
        snprintf(err, errlen, "L%d: %s", c->level, inner);
        return -1;
    }
    return 0;
}

int cache_override_parse(const char *spec, struct cache_size *out, int max, int *n, char *err,
                         size_t errlen) {
    char **items = NULL;
    size_t count = 0;
    *n = 0;
    if (units_parse_name_list(spec, &items, &count, err, errlen))
        return -1;
    int rc = 0;
    for (size_t i = 0; !rc && i < count; i++) {
        if (*n == max) {
            snprintf(err, errlen, "more than %d levels", max);
            rc = -1;
            break;
        }
        rc = parse_item(items[i], &out[*n], err, errlen);
        for (int j = 0; !rc && j < *n; j++)
            if (out[j].level == out[*n].level) {
                snprintf(err, errlen, "L%d is given twice", out[j].level);
                rc = -1;
            }
        if (!rc)
            (*n)++;
    }
    units_free_names(items, count);
    return rc;
}
