# overhead-schedules-2-threads: schedule overhead against chunk size
# Written by `ompsweep report`: `gnuplot overhead-schedules-2-threads.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'overhead-schedules-2-threads.svg'
if (!exists("png_out")) png_out = 'overhead-schedules-2-threads.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'schedule overhead against chunk size, 2 threads'
set logscale x 2
set xlabel 'chunk (loop iterations per chunk, log scale)'
set ylabel 'overhead per construct (microseconds)'
set grid
set key top right box opaque
set offsets graph 0.05, graph 0.05, 0, 0
plot 'overhead-schedules-2-threads.dat' index 0 using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '#0072B2' title 'schedule, schedule static', \
  'overhead-schedules-2-threads.dat' index 1 using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '#D55E00' title 'schedule, schedule dynamic', \
  'overhead-schedules-2-threads.dat' index 2 using 1:2:3:4 with yerrorlines pt 7 lw 2 lc rgb '#009E73' title 'schedule, schedule guided'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
