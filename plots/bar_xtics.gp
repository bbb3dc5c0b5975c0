# bar_xtics.gp — the x tics of a bar chart: its workloads (the variable wl, a
# space-separated list) at 1, 2, ...
set xtics () rotate by -25 scale 0
do for [k = 1:words(wl)] { set xtics add (word(wl, k) k) }
set xrange [0.4:words(wl) + 0.6]
