# chunkmap-ae_features-omp-dynamic-1k: ae_features omp chunk map, schedule dynamic
# Written by `ompsweep report`: `gnuplot chunkmap-ae_features-omp-dynamic-1k.gp` in this folder draws it again.
if (!exists("svg_out")) svg_out = 'chunkmap-ae_features-omp-dynamic-1k.svg'
if (!exists("png_out")) png_out = 'chunkmap-ae_features-omp-dynamic-1k.png'
set encoding utf8
set terminal svg size 960,600 dynamic noenhanced font 'sans,12' background rgb 'white'
set output svg_out
set title 'ae_features omp, schedule dynamic, size 1k: speed relative to the best at each thread count' offset 0, 1
set tmargin 5
set arrow from 49152, graph 0 to 49152, graph 1 nohead front lw 2 dt 2 lc rgb '#d62728'
set label 'L1d 48 KiB per core' at 49152, graph 1 offset 0, 0.8 center front tc rgb '#d62728'
set arrow from 1048576, graph 0 to 1048576, graph 1 nohead front lw 2 dt 2 lc rgb '#d62728'
set label 'L2 1 MiB per core' at 1048576, graph 1 offset 0, 0.8 center front tc rgb '#d62728'
set arrow from 33554432, graph 0 to 33554432, graph 1 nohead front lw 2 dt 2 lc rgb '#d62728'
set label 'L3 32 MiB shared' at 33554432, graph 1 offset 0, 0.8 center front tc rgb '#d62728'
set logscale x 2
set xrange [6324.555320336759:50331648]
set xtics ('4 KiB' 4096, '16 KiB' 16384, '64 KiB' 65536, '256 KiB' 262144, '1 MiB' 1048576, '4 MiB' 4194304, '16 MiB' 16777216, '64 MiB' 67108864)
set yrange [-0.5:2.5]
set ytics ('1' 0, '2' 1, '4*' 2)
set xlabel 'chunk: bytes of input per chunk (log scale)'
set ylabel 'threads (* more than the CPUs)'
set cblabel 'speed / best speed at the same thread count'
set cbrange [0.55:1]
set palette defined (0 '#440154', 0.5 '#21908d', 1 '#fde725')
set style fill solid 1.0 noborder
unset key
plot 'chunkmap-ae_features-omp-dynamic-1k.dat' index 0 using 1:2:3:4:5:6:7 with boxxyerror lc palette, \
  'chunkmap-ae_features-omp-dynamic-1k.dat' index 0 using 1:2:($7 < 0.775 ? sprintf($8 == 1 ? '%.2f ★ fastest' : $8 == 2 ? '%.2f ≈' : '%.2f', $7) : '') with labels tc rgb 'white', \
  'chunkmap-ae_features-omp-dynamic-1k.dat' index 0 using 1:2:($7 >= 0.775 ? sprintf($8 == 1 ? '%.2f ★ fastest' : $8 == 2 ? '%.2f ≈' : '%.2f', $7) : '') with labels tc rgb 'black'
set terminal pngcairo size 960,600 noenhanced font 'sans,11'
set output png_out
replot
set output
