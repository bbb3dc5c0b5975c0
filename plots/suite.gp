# suite.gp — a suite run's figures, from its summary.csv and geomean.csv alone
# (regenerable without re-running):
#   time_vs_heap.{svg,png}   time per iteration vs heap size (factor of the minimum
#                            heap), a panel per workload, a line per collector, 95% CI bars
#   geomean_vs_heap.{svg,png} geometric mean over workloads, normalised to the baseline
#   time.{svg,png}           (suites without heap factors) time per workload, a bar per collector
# Usage: gnuplot -e "dir='results/<id>'" plots/suite.gp
set datafile separator ','
sum = dir.'/summary.csv'
geo = dir.'/geomean.csv'
fig = dir.'/figures/'
rows_of(file, c, w) = sprintf("< awk -F, 'NR > 1 && $1 == \"%s\" && (\"%s\" == \"\" || $2 == \"%s\")' '%s'", c, w, w, file)
uniq(col, file) = system(sprintf("tail -n +2 '%s' | cut -d, -f%d | awk 'NF && !seen[$0]++' | tr '\\n' ' '", file, col))
collectors = uniq(1, sum)
workloads = uniq(2, sum)
factors = uniq(4, sum)
nc = words(collectors)
nw = words(workloads)
# one colour per collector, the same in every figure of the folder
set linetype 1 lc rgb '#1b9e77' lw 2 pt 7
set linetype 2 lc rgb '#d95f02' lw 2 pt 5
set linetype 3 lc rgb '#7570b3' lw 2 pt 9
set linetype 4 lc rgb '#e7298a' lw 2 pt 11
set linetype 5 lc rgb '#66a61e' lw 2 pt 13
set linetype 6 lc rgb '#e6ab02' lw 2 pt 4
set linetype 7 lc rgb '#a6761d' lw 2 pt 6
set linetype 8 lc rgb '#666666' lw 2 pt 8
set grid
set key top right font ',9'
set yrange [0:*]
# spread the collectors' points a little so their error bars do not hide each other
nudge(i) = 1 + 0.012 * (i - (nc + 1) / 2.0)

do for [out in "svg png"] {
  cols = nw > 1 ? 2 : 1
  rows = (nw + cols - 1) / cols
  if (out eq "svg") { set terminal svg size 560*cols, 380*rows + 40 dynamic noenhanced font 'Sans,11' } \
  else { set terminal pngcairo size 560*cols, 380*rows + 40 noenhanced font 'Sans,10' }
  if (strlen(factors) > 0) {
    set output fig.'time_vs_heap.'.out
    set multiplot layout rows, cols title 'Time per iteration vs heap size (mean, 95% CI)'
    set xlabel 'heap size (factor of the minimum heap)'
    set ylabel 'time per iteration (ms)'
    do for [w = 1:nw] {
      wl = word(workloads, w)
      set title wl
      plot for [i = 1:nc] rows_of(sum, word(collectors, i), wl) using ($4 * nudge(i)):($7/1e6):($10/1e6) \
             with yerrorlines lt i title word(collectors, i)
    }
    unset multiplot
    set output fig.'geomean_vs_heap.'.out
    set size 1, 1
    set title 'Geometric mean over workloads, normalised to the baseline'
    set ylabel 'time / baseline time'
    plot for [i = 1:nc] rows_of(geo, word(collectors, i), '') using 3:5 with linespoints lt i title word(collectors, i)
  } else {
    set output fig.'time.'.out
    set style data histograms
    set style histogram clustered gap 1
    set style fill solid 0.85 border -1
    set logscale y
    set xtics rotate by -30
    set title 'Time per iteration per workload'
    set ylabel 'time per iteration (ms, log scale)'
    plot for [i = 1:nc] sum every nc::(i - 1) using ($7/1e6):xtic(2) lt i title word(collectors, i)
    unset logscale y
    unset style data
  }
}
