# sweep-stream_triad-20M-efficiency: stream_triad efficiency against threads, size 20M (working set 458 MiB)
# Written by `ompsweep report`: `gnuplot sweep-stream_triad-20M-efficiency.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'sweep-stream_triad-20M-efficiency.svg'
if (!exists("png_out")) png_out = 'sweep-stream_triad-20M-efficiency.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'stream_triad: efficiency, size 20M (working set 458 MiB)'
set xrange [0.7:4.3]
set xtics 1
set xlabel 'threads'
set grid
set arrow from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb 'gray40'
set label 'cores' at 2, graph 0.96 right offset -0.5, 0 tc rgb 'gray40'
set key bottom left box opaque
set ylabel 'parallel efficiency = speedup / threads'
set yrange [0:1.15]
plot 1 title 'ideal: efficiency 1' dt 2 lc rgb 'black', \
  'sweep-stream_triad-20M-efficiency.dat' index 0 using 1:($8 == 0 ? $5 : NaN):6:7 with yerrorbars pt 7 lc rgb '#0072B2' title 'omp', \
  'sweep-stream_triad-20M-efficiency.dat' index 0 using 1:($8 == 1 ? $5 : NaN) with points pt 6 ps 1.5 lc rgb '#0072B2' notitle, \
  'sweep-stream_triad-20M-efficiency.dat' index 1 using 1:3 with lines lw 2 lc rgb '#0072B2' title 'Amdahl fit: f = 0.7944 ± 0.014', \
  NaN with points pt 6 ps 1.5 lc rgb 'black' title 'open: more threads than CPUs (not fitted)'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
