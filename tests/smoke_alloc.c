#include <stdio.h>
#include "collectors/api/gc.h"
int main(void){
  gc_options o={0}; const char*e; gc_heap*h=gc_heap_create(&o,&e);
  uint32_t m=gc_frame_open(h);
  gc_root r=gc_root_push(h,NULL);
  for(int i=0;i<1000000;i++){ gc_obj*n=gc_alloc(h,1,8); gc_set(h,n,0,gc_root_get(h,r)); gc_root_set(h,r,n);}
  gc_frame_close(h,m);
  gc_collect(h);
  gc_stats s; gc_stats_read(h,&s);
  printf("%s allocs=%lu frees=%lu live=%lu heap=%lu peak=%lu\n", gc_collector()->name, s.allocs,s.frees,s.live_objects,s.heap_bytes,s.peak_heap_bytes);
  gc_heap_destroy(h); return 0;}
