# pause_cdf.gp — figure 4a: the distribution of pause durations at the reference
# heap (every invocation's pauses, from the records' log-binned histograms: 10 bins
# per decade, each point a bin's upper bound), a panel per workload.
load plots.'/common.gp'
wl = w_pauses
nw = words(wl)
name = 'pause_cdf'
W = 560 * panel_cols(nw); H = 340 * panel_rows(nw) + 50
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout panel_rows(nw), panel_cols(nw) title 'Pause durations, cumulative, at '.ref_heap_text.' - '.suite_title
  set logscale x
  set format x '%.0s%cs'
  set xlabel 'pause duration (log scale)'
  set ylabel 'fraction of pauses shorter than duration'
  set yrange [0:1.02]
  set key bottom right
  do for [w = 1:nw] {
    set title word(wl, w)
    file = sprintf('%spauses_%d.csv', data, w)
    plot for [i = 1:nc] rows(file, 2, word(collectors, i)) using ($3 / 1e9):4 with steps lt i title word(collectors, i)
  }
  unset multiplot
}
