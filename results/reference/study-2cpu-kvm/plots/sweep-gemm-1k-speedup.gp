# sweep-gemm-1k-speedup: gemm speedup against threads, size 1k (working set 22.9 MiB)
# Written by `ompsweep report`: `gnuplot sweep-gemm-1k-speedup.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'sweep-gemm-1k-speedup.svg'
if (!exists("png_out")) png_out = 'sweep-gemm-1k-speedup.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'gemm: speedup, size 1k (working set 22.9 MiB)'
set xrange [0.7:4.3]
set xtics 1
set xlabel 'threads'
set grid
set arrow from 2, graph 0 to 2, graph 1 nohead dt 3 lc rgb 'gray40'
set label 'cores' at 2, graph 0.04 right offset -0.5, 0 tc rgb 'gray40'
set key top left box opaque
set ylabel 'speedup = time at 1 thread / time at p threads'
set yrange [0:*]
plot x title 'ideal: speedup = threads' dt 2 lc rgb 'black', \
  'sweep-gemm-1k-speedup.dat' index 0 using 1:($8 == 0 ? $2 : NaN):3:4 with yerrorbars pt 7 lc rgb '#0072B2' title 'omp', \
  'sweep-gemm-1k-speedup.dat' index 0 using 1:($8 == 1 ? $2 : NaN) with points pt 6 ps 1.5 lc rgb '#0072B2' notitle, \
  'sweep-gemm-1k-speedup.dat' index 1 using 1:2 with lines lw 2 lc rgb '#0072B2' title 'Amdahl fit: f = 0.1406 ± 0.0057', \
  'sweep-gemm-1k-speedup.dat' index 2 using 1:($8 == 0 ? $2 : NaN):3:4 with yerrorbars pt 7 lc rgb '#D55E00' title 'blas', \
  'sweep-gemm-1k-speedup.dat' index 2 using 1:($8 == 1 ? $2 : NaN) with points pt 6 ps 1.5 lc rgb '#D55E00' notitle, \
  'sweep-gemm-1k-speedup.dat' index 3 using 1:2 with lines lw 2 lc rgb '#D55E00' title 'Amdahl fit: f = 0.0684 ± 0.012', \
  NaN with points pt 6 ps 1.5 lc rgb 'black' title 'open: more threads than CPUs (not fitted)'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
