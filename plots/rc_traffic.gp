# rc_traffic.gp — figure 7: reference-count updates (increments + decrements) per
# allocated object, for the collectors that count references.
load plots.'/common.gp'
file = data.'rc_traffic.csv'
wl = w_rc_traffic
name = 'rc_traffic'
W = 420 + 130 * words(wl); W = W < 760 ? 760 : W; H = 460
do for [out in formats] {
  load plots.'/term.gp'
  set title "Reference-count updates per allocated object\n".ref_heap_text.' - '.suite_title
  load plots.'/bar_xtics.gp'
  set yrange [0:*]
  set ylabel 'increments + decrements per object'
  set style fill solid 0.85 border -1
  set boxwidth bar_w * 0.9
  set key outside right top
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using (bar_x($1, $3)):5 with boxes lt i title word(collectors, i)
}
