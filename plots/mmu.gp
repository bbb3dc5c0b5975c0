# mmu.gp — figure 4b: minimum mutator utilisation vs window length at the
# reference heap (each collector's first invocation: an MMU curve is one run's
# worst case), a panel per workload.
load plots.'/common.gp'
wl = w_mmu
nw = words(wl)
name = 'mmu'
W = 560 * panel_cols(nw); H = 340 * panel_rows(nw) + 50
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout panel_rows(nw), panel_cols(nw) title 'Minimum mutator utilisation at '.ref_heap_text.' (first invocation) - '.suite_title
  set logscale x
  set format x '%.0s%cs'
  set xlabel 'window (log scale)'
  set ylabel 'minimum mutator utilisation'
  set yrange [0:1.02]
  set key bottom right
  do for [w = 1:nw] {
    set title word(wl, w)
    file = sprintf('%smmu_%d.csv', data, w)
    plot for [i = 1:nc] rows(file, 2, word(collectors, i)) using ($3 / 1e9):4 with lines lt i title word(collectors, i)
  }
  unset multiplot
}
