#!/usr/bin/env bash
# Side by side on the CoNLL-2003 English development set: Dossier's NER model
# (ner-eval with the committed model) and Apache OpenNLP's name finder
# (Debian's opennlp package, trained here on the same training file with its
# default features and parameters).
#
#   bench/opennlp_side_by_side.sh [BUILD_DIR]
#
# Environment: NER_DATA_DIR (default: ../shared/data/ner/conll2003 next to the
# repository; needs train.txt and valid.txt), NER_MODEL (default
# data/models/ner-en.model), WORK_DIR (default: a fresh temporary directory).
# Installs opennlp with apt-get (sudo when not root) if it is missing.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$repo/build}"
data="${NER_DATA_DIR:-$repo/../shared/data/ner/conll2003}"
model="${NER_MODEL:-$repo/data/models/ner-en.model}"
work="${WORK_DIR:-$(mktemp -d /tmp/opennlp-side-by-side.XXXXXX)}"
mkdir -p "$work"

if [[ ! -f "$data/train.txt" || ! -f "$data/valid.txt" ]]; then
  echo "skip: CoNLL-2003 files not found in $data (set NER_DATA_DIR)" >&2
  exit 0
fi
if ! command -v opennlp >/dev/null; then
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq opennlp >/dev/null
fi
if [[ ! -x "$build/bin/ner-eval" ]]; then
  cmake --build "$build" --target ner_eval >/dev/null
fi

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "development file: $data/valid.txt ($(grep -cv -e '^$' -e '^-DOCSTART-' "$data/valid.txt") tokens)"
echo
echo "== Dossier ner-eval ($model)"
"$build/bin/ner-eval" --model "$model" --repeat 3 "$data/valid.txt" | tee "$work/dossier.txt"

echo
echo "== OpenNLP $(dpkg-query -W -f='${Version}' opennlp 2>/dev/null || echo '?'): training on $data/train.txt"
start=$(date +%s.%N)
opennlp TokenNameFinderTrainer.conll03 -lang eng -types per,loc,org,misc -encoding UTF-8 \
  -data "$data/train.txt" -model "$work/opennlp-en-ner.bin" >"$work/opennlp-train.log" 2>&1
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "training took %.0f s\n", e - s }'

echo "== OpenNLP: evaluating on $data/valid.txt"
opennlp TokenNameFinderEvaluator.conll03 -lang eng -types per,loc,org,misc -encoding UTF-8 \
  -model "$work/opennlp-en-ner.bin" -data "$data/valid.txt" >"$work/opennlp-eval.log" 2>&1
grep -E 'TOTAL|person|location|organization|misc|Runtime|Average' "$work/opennlp-eval.log" || cat "$work/opennlp-eval.log"

tokens=$(grep -cv -e '^$' -e '^-DOCSTART-' "$data/valid.txt")
runtime=$(grep -oP 'Runtime: \K[0-9.]+' "$work/opennlp-eval.log" | tail -1 || true)
echo
echo "== Summary (CoNLL-2003 English dev, chunk-level F1)"
printf '%-10s %s\n' "Dossier" "$(grep -oP 'FB1: +\K[0-9.]+' "$work/dossier.txt" | head -1) F1, $(grep -oP '= \K[0-9]+(?= tokens/s)' "$work/dossier.txt") tokens/s (tagging only, one thread)"
if [[ -n "$runtime" ]]; then
  printf '%-10s %s\n' "OpenNLP" "$(grep -oP 'TOTAL:.*F1: +\K[0-9.]+' "$work/opennlp-eval.log" | head -1) F1, $(awk -v t="$tokens" -v r="$runtime" 'BEGIN { printf "%.0f", t / r }') tokens/s (evaluator run time incl. JIT warm-up, one thread)"
fi
echo "(work files in $work)"
