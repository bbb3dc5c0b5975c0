# geomean_vs_heap.gp — figure 3: geometric mean over workloads of the time
# normalised to the baseline collector, vs heap size, from geomean.csv.
load plots.'/common.gp'
geo = dir.'/geomean.csv'
name = 'geomean_vs_heap'
W = 760; H = 440
do for [out in formats] {
  load plots.'/term.gp'
  set title 'Geometric mean over workloads of time / baseline time - '.suite_title
  set xlabel heap_axis
  set ylabel 'time / baseline time'
  set logscale y 2
  set key outside right top
  plot for [i = 1:nc] rows(geo, 1, word(collectors, i)) using 3:5 with linespoints lt i title word(collectors, i)
  unset logscale y
}
