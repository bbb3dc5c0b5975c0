# time_vs_heap_mib.gp — figure 1 again with absolute heap sizes (MiB) on the axis.
name = 'time_vs_heap_mib'; mean_col = 7; ci_col = 10; what = 'Time'; heap_in_mib = 1
load plots.'/heap_panels.gp'
