# common.gp — loaded first by every figure script in plots/: where the data is,
# the collectors' colours and the look shared by all figures.
#
# A collector's colour is its position in the suite (figures/data/figure.gp lists
# the collectors in suite order), so it is the same in every figure of a results
# folder.  Scripts are run as: gnuplot -e "dir='RESULTS'; plots='PLOTS'" X.gp
set datafile separator ','
data = dir.'/figures/data/'
fig = dir.'/figures/'
load data.'figure.gp'
# every title names the suite and the terms its heaps were given on
suite_title = suite_name.' - '.heap_note
nc = words(collectors)
formats = "svg png pdf"

set linetype 1 lc rgb '#1b9e77' lw 2 pt 7 ps 0.8
set linetype 2 lc rgb '#d95f02' lw 2 pt 5 ps 0.8
set linetype 3 lc rgb '#7570b3' lw 2 pt 9 ps 0.9
set linetype 4 lc rgb '#e7298a' lw 2 pt 11 ps 0.9
set linetype 5 lc rgb '#66a61e' lw 2 pt 13 ps 0.9
set linetype 6 lc rgb '#e6ab02' lw 2 pt 4 ps 0.8
set linetype 7 lc rgb '#a6761d' lw 2 pt 6 ps 0.8
set linetype 8 lc rgb '#1f78b4' lw 2 pt 8 ps 0.8
set linetype 9 lc rgb '#b15928' lw 2 pt 10 ps 0.8
set linetype 10 lc rgb '#666666' lw 2 pt 12 ps 0.8
set linetype cycle 10
set grid ytics lc rgb '#dddddd' lw 1 dt 1
set key font ',9' noopaque samplen 2.5
set border 3
set tics nomirror

# the rows of a table (header skipped) whose column col equals value
rows(file, col, value) = sprintf("< awk -F, 'NR > 1 && $%d == \"%s\"' '%s'", col, value, file)
# a bar's x: its workload's position, nudged by its collector's position
bar_w = 0.8 / nc
bar_x(wi, ci) = wi + (ci - (nc + 1) / 2.0) * bar_w
# the low end of a 95% confidence bar on a log axis: a bar reaching zero or below
# is drawn down to a twentieth of the mean (the axis has no zero)
ci_low(mean, ci) = mean - ci > mean / 20.0 ? mean - ci : mean / 20.0
# panels: up to two per row
panel_cols(n) = n > 1 ? 2 : 1
panel_rows(n) = (n + panel_cols(n) - 1) / panel_cols(n)
# ns as seconds with an SI prefix on log axes
set format x '%g'
