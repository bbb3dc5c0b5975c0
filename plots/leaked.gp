# leaked.gp — figure 6b: bytes still allocated at the end of the run, as a share
# of all bytes allocated, on the workloads where a reclaiming collector leaked
# (garbage cycles pure reference counting cannot see).
load plots.'/common.gp'
file = data.'leaked.csv'
wl = w_leaked
name = 'leaked'
W = 420 + 130 * words(wl); W = W < 760 ? 760 : W; H = 460
do for [out in formats] {
  load plots.'/term.gp'
  set title "Leaked at the end of the run (% of the bytes allocated)\n".ref_heap_text.' - '.suite_title
  load plots.'/bar_xtics.gp'
  set yrange [0:105]
  set ylabel 'leaked (% of allocated bytes)'
  set style fill solid 0.85 border -1
  set boxwidth bar_w * 0.9
  set key outside right top
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):5 with boxes lt i title word(collectors, i)
}
