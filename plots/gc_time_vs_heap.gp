# gc_time_vs_heap.gp — figure 2: time in collector pauses per iteration vs heap size.
name = 'gc_time_vs_heap'; mean_col = 12; ci_col = 13; what = 'GC time'
load plots.'/heap_panels.gp'
