# The chart of bench/results/latest.png, drawn by bench/run.py:
#   gnuplot -e "datadir='DIR'; output='FILE.png'; maxworkers=N" bench/plot.gp
# DIR/ns1.dat: one row per workload, one column per system, ns per task on
# 1 worker ("?" where a system does not run the workload).
# DIR/speedup-WORKLOAD.dat: one row per worker count, one column per
# multi-worker system (weft libgomp libomp tbb), the speedup over that
# system on 1 worker.
set terminal pngcairo size 1400,1000 font "sans,10"
set output output
set datafile missing "?"
set key autotitle columnheader
# One colour per system in both parts: weft serial libgomp libomp tbb asyncio pthread.
colors = "#9400d3 #009e73 #56b4e9 #e69f00 #d55e00 #0072b2 #666666"
parallel_colors = "#9400d3 #56b4e9 #e69f00 #d55e00"
set multiplot

# Top: ns per task on one worker, per workload and system (log scale).
set size 1,0.5
set origin 0,0.5
set title "ns per task on 1 worker (median; log scale; yield-pingpong: per hand-over, wakeup: p50 latency; serial on yield-pingpong: raw switch; queue-*: per item)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set ylabel "ns per task"
set grid ytics
set key outside right top vertical
set xtics nomirror rotate by -20
plot for [column=2:8] datadir."/ns1.dat" using column:xtic(1) lc rgb word(colors, column-1)

# Bottom: speedup against workers, one panel per parallel workload.
unset logscale y
unset title
set style data linespoints
set xlabel "workers"
set ylabel "speedup"
set xrange [0.8:maxworkers*1.05]
set yrange [0:*]
set xtics 1 norotate
set key inside left top
workloads = "fib-forkjoin fib-asyncio flat skynet"
do for [i=1:4] {
    set origin (i-1)*0.25, 0
    set size 0.25, 0.5
    set title word(workloads, i)
    plot for [column=2:5] datadir."/speedup-".word(workloads, i).".dat" using 1:column lc rgb word(parallel_colors, column-1), \
         x title "ideal" with lines dashtype 2 lc rgb "gray"
}
unset multiplot
