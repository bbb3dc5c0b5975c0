# memory.gp — figure 6a: peak heap per collector at the reference heap, with the
# workload's live size (its census run's peak reachable bytes) as a black bar.
load plots.'/common.gp'
file = data.'memory.csv'
wl = w_memory
name = 'memory'
W = 420 + 130 * words(wl); W = W < 760 ? 760 : W; H = 480
do for [out in formats] {
  load plots.'/term.gp'
  set title "Peak heap (bars) and live size (black: peak reachable bytes)\n".ref_heap_text.' - '.suite_title
  load plots.'/bar_xtics.gp'
  set logscale y
  set ylabel 'MiB (log scale)'
  set style fill solid 0.85 border -1
  set boxwidth bar_w * 0.9
  set key outside right top
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):5 with boxes lt i title word(collectors, i), \
       file skip 1 using ($1 - 0.45):($7 > 0 ? $7 : NaN):(0.9):(0) with vectors nohead lc rgb 'black' lw 3 title 'live size'
  unset logscale y
}
