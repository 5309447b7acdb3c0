# sweep-spline_expsum-400k-efficiency: spline_expsum efficiency against threads, size 400k (working set 10.2 MiB)
# Written by `ompsweep report`: `gnuplot sweep-spline_expsum-400k-efficiency.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'sweep-spline_expsum-400k-efficiency.svg'
if (!exists("png_out")) png_out = 'sweep-spline_expsum-400k-efficiency.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'spline_expsum: efficiency, size 400k (working set 10.2 MiB)'
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
  'sweep-spline_expsum-400k-efficiency.dat' index 0 using 1:($8 == 0 ? $5 : NaN):6:7 with yerrorbars pt 7 lc rgb '#0072B2' title 'omp_splines', \
  'sweep-spline_expsum-400k-efficiency.dat' index 0 using 1:($8 == 1 ? $5 : NaN) with points pt 6 ps 1.5 lc rgb '#0072B2' notitle, \
  'sweep-spline_expsum-400k-efficiency.dat' index 1 using 1:3 with lines lw 2 lc rgb '#0072B2' title 'Amdahl fit: f = 0.0293 ± 0.023', \
  'sweep-spline_expsum-400k-efficiency.dat' index 2 using 1:($8 == 0 ? $5 : NaN):6:7 with yerrorbars pt 7 lc rgb '#D55E00' title 'omp_points', \
  'sweep-spline_expsum-400k-efficiency.dat' index 2 using 1:($8 == 1 ? $5 : NaN) with points pt 6 ps 1.5 lc rgb '#D55E00' notitle, \
  'sweep-spline_expsum-400k-efficiency.dat' index 3 using 1:3 with lines lw 2 lc rgb '#D55E00' title 'Amdahl fit: f = 0.0200 ± 0.057', \
  NaN with points pt 6 ps 1.5 lc rgb 'black' title 'open: more threads than CPUs (not fitted)'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
