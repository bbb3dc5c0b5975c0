# time_bars.gp — total and GC time per iteration at the reference heap, a bar per
# collector per workload, 95% confidence bars (log scale: workloads differ by
# orders of magnitude).
load plots.'/common.gp'
file = data.'times.csv'
wl = w_times
name = 'time_bars'
W = 420 + 130 * words(wl); W = W < 760 ? 760 : W; H = 800
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout 2, 1 title "Time per iteration (mean, 95% CI)\n".ref_heap_text.' - '.suite_title
  load plots.'/bar_xtics.gp'
  set logscale y
  set style fill solid 0.85 border -1
  set boxwidth bar_w * 0.9
  set key outside right top
  set ylabel 'total time per iteration (ms)'
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):5 with boxes lt i title word(collectors, i), \
       for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):5:(ci_low($5, $6)):($5 + $6) \
         with yerrorbars lc rgb 'black' pt -1 notitle
  set ylabel 'GC time per iteration (ms)'
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):($7 > 0 ? $7 : NaN) with boxes lt i title word(collectors, i), \
       for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):($7 > 0 ? $7 : NaN):(ci_low($7, $8)):($7 + $8) \
         with yerrorbars lc rgb 'black' pt -1 notitle
  unset multiplot
  unset logscale y
}
