#!/bin/bash -eu
# Builds the cargo-fuzz targets for ClusterFuzzLite / OSS-Fuzz and ships each with the
# dictionary and a seed corpus zip.
cd "$SRC/tpr-harness"
cargo fuzz build -O
for t in timestamp path body sequence differential; do
  cp "fuzz/target/x86_64-unknown-linux-gnu/release/$t" "$OUT/"
  cp fuzz/tpr.dict "$OUT/$t.dict"
  seeds="fuzz/seeds/$t"; [ "$t" = differential ] && seeds=fuzz/seeds/sequence
  (cd "$seeds" && zip -q -r "$OUT/${t}_seed_corpus.zip" .)
done
