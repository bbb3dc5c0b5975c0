# lbo.gp — lower-bound overhead (harness/driver/lbo.h): the geometric mean over
# workloads of (1 + LBO) - 1, in percent, a panel per metric present.  Wall and CPU
# time against the heap factor, a line per collector; instructions (the callgrind
# runs, no heap limit) a bar per collector.  From figures/data/lbo.csv.
load plots.'/common.gp'
file = data.'lbo.csv'
name = 'lbo'
nm = words(lbo_metrics)
# the rows of one metric and one collector
lbo_rows(m, c) = sprintf("< awk -F, 'NR > 1 && $1 == \"%s\" && $3 == \"%s\"' '%s'", m, c, file)
W = 640 * panel_cols(nm)
H = 380 * panel_rows(nm) + 60
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout panel_rows(nm), panel_cols(nm) \
      title "Lower-bound overhead: total / minimum distilled cost - 1 (geometric mean over workloads)\n".suite_title
  set key outside right top
  set ylabel 'LBO (%)'
  do for [m = 1:nm] {
    metric = word(lbo_metrics, m)
    set autoscale xy
    set yrange [0:*]
    if (metric eq 'instructions') {
      set title 'instructions (callgrind runs, no heap limit)'
      set xlabel ''
      set xtics () rotate by -25 scale 0
      do for [k = 1:nc] { set xtics add (word(collectors, k) k) }
      set xrange [0.4:nc + 0.6]
      set style fill solid 0.85 border -1
      set boxwidth 0.7
      plot for [i = 1:nc] lbo_rows(metric, word(collectors, i)) using 2:5 with boxes lt i notitle
      set xtics autofreq norotate
    } else {
      set title metric.' time'
      set xlabel heap_axis
      plot for [i = 1:nc] lbo_rows(metric, word(collectors, i)) using 4:5 with linespoints lt i title word(collectors, i)
    }
  }
  unset multiplot
}
