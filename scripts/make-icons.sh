#!/usr/bin/env bash
# Draws the application icon (a "cd" monogram) and writes every size the bundles
# need into icons/. Needs ImageMagick and png2icns (apt: imagemagick icnsutils). Run again after a change.
set -euo pipefail
cd "$(dirname "$0")/../icons"
font=$(fc-match -f '%{file}' 'DejaVu Sans:bold')
/usr/bin/convert -size 1024x1024 xc:none \
  -fill '#1f4e79' -draw 'roundrectangle 64,64 960,960 180,180' \
  -fill '#f2b134' -draw 'rectangle 224,760 800,800' \
  -font "$font" -pointsize 520 -fill white -gravity center -annotate +0-40 'cd' \
  master.png
for size in 32 128 256 512; do
  /usr/bin/convert master.png -resize ${size}x${size} -strip -depth 8 "PNG32:${size}x${size}.png"
done
mv 256x256.png 128x128@2x.png
mv 512x512.png icon.png
/usr/bin/convert master.png -depth 8 -define icon:auto-resize=256,128,64,48,32,16 icon.ico
/usr/bin/convert master.png -resize 256x256 -depth 8 PNG32:icns-256.png
png2icns icon.icns icon.png icns-256.png 128x128.png 32x32.png >/dev/null
rm icns-256.png
rm master.png
