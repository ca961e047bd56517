#!/usr/bin/env bash
# Makes the load harness's VP8 test pattern (TestPattern): 4 s of ffmpeg's testsrc2 (a moving pattern with a clock), VP8 in
# an IVF file, a keyframe every second, 320x180 at 15 fps, ~250 kbit/s. Run once by hand (needs
# the Debian package ffmpeg); the result is committed, so builds and CI need no ffmpeg.
set -euo pipefail
cd "$(dirname "$0")/../.."
ffmpeg -loglevel error -y -f lavfi -i "testsrc2=size=320x180:rate=15" -t 4 -c:v libvpx -b:v 250k -g 15 -keyint_min 15 \
  -deadline realtime -cpu-used 8 -auto-alt-ref 0 -lag-in-frames 0 -f ivf \
  control/src/main/resources/org/inwardportal/control/local/test-pattern.ivf
