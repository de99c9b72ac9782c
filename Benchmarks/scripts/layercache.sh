#!/bin/bash
# Layer cache benchmark (docs/benchmarks/layercache.md): the bench image (../shared/bench/make-image.sh)
# in a loopback docker-registry (plain HTTP, no auth); `kensa image REF` cold, with blobs cached
# only (what every scan did before the layer cache), and with blobs and layer results cached.
set -euo pipefail
export SOURCE_DATE_EPOCH=1700000000
KENSA=${KENSA:-kensa}
W=${WORK:-/tmp/kensa-layercache-bench}; rm -rf $W; mkdir -p $W
PORT=55123
cat > $W/config.yml <<EOC
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $W/storage}}
http: {addr: 127.0.0.1:$PORT}
EOC
/usr/bin/docker-registry serve $W/config.yml >$W/registry.log 2>&1 & REG=$!
trap "kill $REG" EXIT
sleep 1
skopeo copy -q --dest-tls-verify=false oci:${KENSA_BENCH:-$HOME/.cache/kensa-bench}/image/oci:bench docker://127.0.0.1:$PORT/bench/app:1
REF=127.0.0.1:$PORT/bench/app:1
SCANNERS=${SCANNERS:-secret}
run() { # label, setup
  for i in $(seq 1 ${RUNS:-4}); do
    eval "$2"
    /usr/bin/time -f "%e %M" -o $W/t $KENSA image $REF --insecure --cache-dir $W/cache --scanners $SCANNERS -f json -o $W/out.json -q --debug 2>$W/err
    [ $i = 1 ] && continue   # warm-up
    echo "$1 $(cat $W/t) $(grep -o 'blobs_downloaded=[0-9]*' $W/err) $(grep -o 'layers_analysed=[0-9]* layers_from_cache=[0-9]*' $W/err)"
    cp $W/out.json $W/out-$1.json
  done
}
run cold 'rm -rf $W/cache'
run blobs-only 'rm -rf $W/cache/layers'
run both-cached ':'
du -sb $W/cache/layers $W/cache/blobs
ls -la $W/cache/layers
cmp $W/out-cold.json $W/out-both-cached.json && echo "outputs identical"
