# cachemap-stream_triad-omp: stream_triad omp cache map
# Written by `ompsweep report`: `gnuplot cachemap-stream_triad-omp.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'cachemap-stream_triad-omp.svg'
if (!exists("png_out")) png_out = 'cachemap-stream_triad-omp.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'stream_triad omp: throughput against working set (cachemap-stream_triad.csv)'
set arrow from 49152, graph 0 to 49152, graph 1 nohead dt 2 lw 1.5 lc rgb '#0072B2'
set label 'L1 48 KiB, 1 thr' at 49152, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '#0072B2' font ',9'
set arrow from 98304, graph 0 to 98304, graph 1 nohead dt 2 lw 1.5 lc rgb '#D55E00'
set label 'L1 96 KiB, 2 thr' at 98304, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '#D55E00' font ',9'
set arrow from 1048576, graph 0 to 1048576, graph 1 nohead dt 2 lw 1.5 lc rgb '#0072B2'
set label 'L2 1 MiB, 1 thr' at 1048576, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '#0072B2' font ',9'
set arrow from 2097152, graph 0 to 2097152, graph 1 nohead dt 2 lw 1.5 lc rgb '#D55E00'
set label 'L2 2 MiB, 2 thr' at 2097152, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '#D55E00' font ',9'
set arrow from 33554432, graph 0 to 33554432, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555'
set label 'L3 32 MiB' at 33554432, graph 0.98 right rotate by 90 offset -0.9, 0 tc rgb '#555555' font ',9'
set logscale x 2
set xrange [5120:304386739.19999999]
set xtics ('4 KiB' 4096, '16 KiB' 16384, '64 KiB' 65536, '256 KiB' 262144, '1 MiB' 1048576, '4 MiB' 4194304, '16 MiB' 16777216, '64 MiB' 67108864, '256 MiB' 268435456)
set xlabel 'working set (bytes, log scale)'
set ylabel 'throughput (GB/s, 10⁹ bytes per second)'
set yrange [0:*]
set grid
set key bottom left box opaque
plot 'cachemap-stream_triad-omp.dat' index 0 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb '#0072B2' title '1 thread', \
  'cachemap-stream_triad-omp.dat' index 1 using 1:2 with linespoints pt 7 ps 0.7 lw 2 lc rgb '#D55E00' title '2 threads', \
  'cachemap-stream_triad-omp.dat' index 2 using 1:2 with points pt 13 ps 2 lc rgb 'black' title 'measured knee'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
