/*
 * figdata.h — the figures' data: from a results folder's records.jsonl and
 * suite.yaml, the small CSV tables the gnuplot scripts in plots/ draw, written
 * into <results>/figures/data/, plus figure.gp (the collectors in colour order,
 * the workloads each figure has data for, the reference heap, the counters'
 * source).
 *
 * Why a C step before gnuplot: records are JSON with nested objects, pause
 * histograms and counters by event; gnuplot reads columns.  Every table is one
 * figure's data averaged over invocations, so the scripts only draw.
 */
#ifndef FIGDATA_H
#define FIGDATA_H

#include <stdbool.h>
#include <stddef.h>

#define FIGDATA_MAX 16

typedef struct fig_entry {
  const char *script; /* plots/<script>.gp */
  bool draw;          /* its data is in the results */
  char why[240];      /* when not: what is missing, one line */
} fig_entry;

typedef struct fig_plan {
  fig_entry items[FIGDATA_MAX];
  int n;
} fig_plan;

/* Writes the tables for the results folder dir and says which figures have data.
 * False (message in err) when the folder cannot be read or written. */
bool figdata_write(const char *dir, fig_plan *plan, char *err, size_t errlen);
#endif
