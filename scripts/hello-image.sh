#!/usr/bin/env bash
# Writes a tiny one-layer container image (one text file, linux/<this machine's architecture>) as an OCI image
# layout in DIR, tagged latest, with nothing but tar and sha256sum: something to push when there is no image
# at hand and no network (the README's first step). Usage: scripts/hello-image.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir/blobs/sha256"
cd "$dir"
put() { # stores stdin as a blob; prints its digest and size
  local tmp; tmp=$(mktemp blobs/.tmp.XXXXXX)
  cat > "$tmp"
  local hex; hex=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "blobs/sha256/$hex"
  echo "sha256:$hex $(stat -c %s "blobs/sha256/$hex")"
}
case "$(uname -m)" in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'hello from wharf\n' > "$work/hello.txt"
read -r layer layer_size < <(tar -C "$work" --owner=0 --group=0 --mtime=@0 -cf - hello.txt | put)
read -r config config_size < <(printf '{"architecture":"%s","os":"linux","config":{"Cmd":["cat","/hello.txt"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$arch" "$layer" | put)
read -r manifest manifest_size < <(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config" "$config_size" "$layer" "$layer_size" | put)
printf '{"imageLayoutVersion":"1.0.0"}' > oci-layout
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
  "$manifest" "$manifest_size" > index.json
echo "wrote $dir: $manifest (latest)"
