# roofline: roofline of the kernels' best points
# Written by `ompsweep report`: `gnuplot roofline.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'roofline.svg'
if (!exists("png_out")) png_out = 'roofline.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'roofline: each kernel''s best point against the measured ceilings'
set logscale xy 10
set xrange [0.0208325:999.96]
set yrange [0.884543:754.739]
set xlabel 'arithmetic intensity (flop per byte of memory traffic, log scale)'
set ylabel 'GFLOP/s (log scale)'
set grid
set key bottom right box opaque
set samples 400
peak = 251.57951315101539
triad = 61.720554183144095
read = 55.445658947948232
set label sprintf('peak %.4g GFLOP/s', peak) at graph 0.02, first peak offset 0, 0.7
plot (triad * x < peak ? triad * x : peak) lw 2 lc rgb '#0072B2' title 'STREAM triad 61.72 GB/s', \
  (read * x < peak ? read * x : peak) lw 2 dt 2 lc rgb '#009E73' title 'read 55.45 GB/s', \
  'roofline.dat' index 0 using 1:2 with points pt 7 ps 1.3 lc rgb '#D55E00' title 'kernels (best point)', \
  'roofline.dat' index 0 using 1:2:3 with labels left offset 0.8, 0.4 font ',9' notitle
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
