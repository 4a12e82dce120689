#!/usr/bin/env bash
# Writes a tiny Hugging Face-style model directory in DIR (config.json, a real safetensors file with one 2x2 F32
# tensor, a model card): something to push in the README's walkthrough when no model is at hand.
# Usage: scripts/tiny-model.sh DIR
set -euo pipefail
dir=${1:?usage: $0 DIR}
mkdir -p "$dir"
printf '{"architectures":["LlamaForCausalLM"],"model_type":"llama","torch_dtype":"float32"}\n' > "$dir/config.json"
printf -- '---\nlicense: llama3\n---\n# A tiny stand-in for Llama 3 8B\n' > "$dir/README.md"
# safetensors: an 8-byte little-endian header length, the JSON header, then the tensor bytes.
header='{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}'
{
  printf "\\x$(printf %02x ${#header})\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
  printf '%s' "$header"
  head -c 16 /dev/zero
} > "$dir/model.safetensors"
echo "wrote $dir"
