# heap_panels.gp — a value vs heap size (a factor of the heap axis' base), a panel per
# workload, a line per collector with 95% confidence bars, from summary.csv.
# Set before loading: name, mean_col, ci_col (summary.csv columns, ns), what;
# heap_in_mib = 1 puts absolute MiB on the heap axis (factor x the workload's
# base heap, from base_heaps.csv).
load plots.'/common.gp'
if (!exists("heap_in_mib")) heap_in_mib = 0
base_mib(w) = real(system(sprintf("awk -F, 'NR > 1 && $1 == \"%s\" {print $2}' '%s'", w, data.'base_heaps.csv')))
sum = dir.'/summary.csv'
uniq(col, file) = system(sprintf("tail -n +2 '%s' | awk -F, '$4 != \"\"' | cut -d, -f%d | awk 'NF && !seen[$0]++' | tr '\\n' ' '", file, col))
workloads = uniq(2, sum)
nw = words(workloads)
# spread the collectors' points a little so that their error bars do not hide each other
nudge(i) = 1 + 0.012 * (i - (nc + 1) / 2.0)
# log scale: collectors differ by orders of magnitude
summary_rows(c, w) = sprintf("< awk -F, 'NR > 1 && $1 == \"%s\" && $2 == \"%s\" && $4 != \"\"' '%s'", c, w, sum)
W = 640 * panel_cols(nw)
H = 360 * panel_rows(nw) + 50
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout panel_rows(nw), panel_cols(nw) title what.' vs heap size (mean per iteration, 95% CI; log scale) - '.suite_title
  set xlabel heap_in_mib ? 'heap size (MiB: factor x the workload''s base heap)' : heap_axis
  set ylabel what.' per iteration (ms)'
  set logscale y
  set key outside right top
  do for [w = 1:nw] {
    set title word(workloads, w)
    scale = heap_in_mib ? base_mib(word(workloads, w)) : 1
    plot for [i = 1:nc] summary_rows(word(collectors, i), word(workloads, w)) \
         using ($4 * scale * nudge(i)):(column(mean_col) / 1e6):(ci_low(column(mean_col), column(ci_col)) / 1e6):((column(mean_col) + column(ci_col)) / 1e6) \
         with yerrorlines lt i title word(collectors, i)
  }
  unset multiplot
}
