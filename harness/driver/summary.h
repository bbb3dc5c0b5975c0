/* summary.h — a record, said briefly for a person. */
#ifndef SUMMARY_H
#define SUMMARY_H
#include <jansson.h>
#include <stdio.h>

void summary_print(FILE *f, json_t *record);
/* "1.23 s", "45.6 ms", "789 us" */
const char *summary_duration(double ns, char *buf, size_t len);
/* "12.3 MiB" */
const char *summary_bytes(double bytes, char *buf, size_t len);
#endif
