# term.gp — one output format per pass of a script's `do for [out in formats]`
# loop: the variables out (svg, png, pdf), W and H (pixels) and name say what.
if (out eq "svg") { set terminal svg size W, H dynamic noenhanced font 'Sans,11' }
if (out eq "png") { set terminal pngcairo size W, H noenhanced font 'Sans,10' }
if (out eq "pdf") { set terminal pdfcairo size W / 96.0, H / 96.0 noenhanced font 'Sans,8' }
set output fig.name.'.'.out
# every pass starts from the same axes: the previous format's last panel may have
# changed them
set autoscale xy
unset logscale
set format x '%g'
set format y '%g'
unset title
