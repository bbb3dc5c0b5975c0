# counters.gp — figure 5: each counted event split into mutator and collector,
# a stacked bar per collector (grey: mutator; the collector's colour: GC), a panel
# per workload; one figure per event (counters_<event>.*).  The source - PAPI's
# hardware counters on the timed runs, or callgrind's separate runs - is in the title.
load plots.'/common.gp'
do for [e = 1:words(counter_events)] {
  ev = word(counter_events, e)
  file = data.'counters_'.ev.'.csv'
  wl = value('w_counters_'.ev)
  nw = words(wl)
  name = 'counters_'.ev
  W = 520 * panel_cols(nw); H = 320 * panel_rows(nw) + 60
  do for [out in formats] {
    load plots.'/term.gp'
    set multiplot layout panel_rows(nw), panel_cols(nw) title ev.': mutator (grey) and GC (colour) - '.counters_source.' - '.suite_title
    set xtics () rotate by -25 scale 0
    do for [i = 1:nc] { set xtics add (word(collectors, i) i) }
    set xrange [0.4:nc + 0.6]
    set yrange [0:*]
    set format y '%.1s%c'
    set ylabel ev.' (timed iterations)'
    set style fill solid 0.85 border -1
    set boxwidth 0.7
    unset key
    do for [w = 1:nw] {
      set title word(wl, w)
      plot for [i = 1:nc] rows(file, 2, word(wl, w)) using ($3 == i ? $3 : NaN):($5 + $6) with boxes lt i notitle, \
           rows(file, 2, word(wl, w)) using 3:5 with boxes lc rgb '#bbbbbb' notitle
    }
    unset multiplot
    set format y '%g'
  }
}
