# quick_suite.gp — the quick suite's figures from runs.csv:
#   time.svg/.png       wall time per workload, one bar per collector (log scale)
#   peak_heap.svg/.png  peak heap per workload, one bar per collector (log scale)
# Usage: gnuplot -e "dir='results/<id>'; ncollectors=N" plots/quick_suite.gp
# runs.csv lists runs workload by workload, the collectors in the same order within
# each, so collector k's rows are every ncollectors-th row from row k.
set datafile separator ','
csv = dir.'/runs.csv'
fig = dir.'/figures/'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set logscale y
set grid ytics
set xtics rotate by -30
collector(k) = system(sprintf("awk -F, 'NR==%d{print $1}' %s", k + 1, csv))

do for [out in "svg png"] {
  if (out eq "svg") { set terminal svg size 900,500 dynamic font 'Sans,12' } else { set terminal pngcairo size 900,500 font 'Sans,11' }
  set output fig.'time.'.out
  set title 'Wall time per workload (quick size)'
  set ylabel 'wall time (ms, log scale)'
  plot for [k=1:ncollectors] csv every ncollectors::k using ($10/1e6):xtic(2) title collector(k)
  set output fig.'peak_heap.'.out
  set title 'Peak heap per workload (quick size)'
  set ylabel 'peak heap (KiB, log scale)'
  plot for [k=1:ncollectors] csv every ncollectors::k using ($18/1024):xtic(2) title collector(k)
}
