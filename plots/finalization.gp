# finalization.gp — figure 8: finalisation promptness (the finalize-delay
# workload): bytes the program allocated between an object becoming unreachable
# and its finalizer running - median (solid), 99th percentile (light) and maximum
# (black mark) per collector - and the share never finalized in the run.
load plots.'/common.gp'
file = data.'finalization.csv'
name = 'finalization'
W = 980; H = 420
# an immediate finalization (0 bytes) is drawn at 1 byte on the log axis
floor1(v) = v < 1 ? 1 : v
do for [out in formats] {
  load plots.'/term.gp'
  set multiplot layout 1, 2 title 'Finalisation promptness at '.ref_heap_text.' - '.suite_title
  set xtics () rotate by -25 scale 0
  do for [i = 1:nc] { set xtics add (word(collectors, i) i) }
  set xrange [0.4:nc + 0.6]
  set boxwidth 0.7
  unset key
  set title 'delay: median (solid), p99 (light), max (black)'
  set logscale y
  set yrange [0.5:*]
  set format y '%.0s%cB'
  set ylabel 'bytes allocated before the finalizer ran (0 drawn as 1 B)'
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using 3:(floor1($7)) with boxes lt i fs transparent solid 0.35 notitle, \
       for [i = 1:nc] rows(file, 4, word(collectors, i)) using 3:(floor1($5)) with boxes lt i fs solid 0.9 border -1 notitle, \
       file skip 1 using 3:(floor1($8)) with points pt 3 ps 1.2 lc rgb 'black' notitle
  unset logscale y
  set format y '%g'
  set title 'never finalized within the run'
  set yrange [0:105]
  set ylabel 'never finalized (% of tracked objects)'
  plot for [i = 1:nc] rows(file, 4, word(collectors, i)) using 3:9 with boxes lt i fs solid 0.85 border -1 notitle
  unset multiplot
}
