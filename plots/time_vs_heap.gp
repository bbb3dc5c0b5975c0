# time_vs_heap.gp — figure 1: total time per iteration vs heap size.
name = 'time_vs_heap'; mean_col = 7; ci_col = 10; what = 'Time'
load plots.'/heap_panels.gp'
