/*
 * figures.h — a results folder's figures: the data tables (figdata.h), then one
 * gnuplot script per figure (plots/<name>.gp), each writing SVG, PNG and PDF into
 * <results>/figures/.  A figure whose data the results lack is skipped with a
 * one-line note.
 */
#ifndef FIGURES_H
#define FIGURES_H

#include <stdbool.h>

/* False (message printed) when the data could not be written or a script failed. */
bool figures_draw(const char *dir);
#endif
