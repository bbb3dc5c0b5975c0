#include "harness/driver/figures.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/driver/figdata.h"
#include "harness/driver/spawn.h"

/* One script: gnuplot with dir= and plots= set, so the script finds the data and
 * its shared settings (plots/common.gp) wherever it is run from. */
static bool run_script(const char *plots, const char *dir, const char *name) {
  char script[4352], expr[9000];
  snprintf(script, sizeof script, "%s/%s.gp", plots, name);
  if (access(script, R_OK) != 0) {
    printf("figures: %-16s missing script %s\n", name, script);
    return false;
  }
  snprintf(expr, sizeof expr, "dir='%s'; plots='%s'", dir, plots);
  char *argv[] = {"/usr/bin/gnuplot", "-e", expr, script, NULL};
  spawn_result r;
  spawn_run(argv, 300, &r);
  bool ok = r.started && !r.signal && !r.timed_out && r.exit_code == 0;
  if (!ok) printf("figures: %-16s gnuplot failed: %s\n", name, r.started ? r.err_tail : "cannot start /usr/bin/gnuplot");
  spawn_result_free(&r);
  return ok;
}

/* A skipped figure's files from an earlier draw would show data the results no
 * longer hold, so they go (counters: every counters_<event>.*). */
static void remove_stale(const char *dir, const char *name) {
  char pattern[4400];
  snprintf(pattern, sizeof pattern, "%s/figures/%s%s.*", dir, name, strcmp(name, "counters") ? "" : "_*");
  glob_t g;
  if (glob(pattern, 0, NULL, &g) == 0)
    for (size_t i = 0; i < g.gl_pathc; i++) unlink(g.gl_pathv[i]);
  globfree(&g);
}

bool figures_draw(const char *dir) {
  const char *root = getenv("GCLAB_ROOT");
  char plots[4200], err[1024];
  snprintf(plots, sizeof plots, "%s/plots", root ? root : ".");
  fig_plan plan;
  if (!figdata_write(dir, &plan, err, sizeof err)) {
    printf("figures: %s\n", err);
    return false;
  }
  bool ok = true;
  int drawn = 0;
  for (int i = 0; i < plan.n; i++) {
    const fig_entry *e = &plan.items[i];
    if (!e->draw) {
      printf("figures: %-16s skipped: %s\n", e->script, e->why);
      remove_stale(dir, e->script);
      continue;
    }
    if (run_script(plots, dir, e->script)) drawn++;
    else ok = false;
  }
  printf("figures: %d drawn into %s/figures/\n", drawn, dir);
  return ok;
}
