#!/usr/bin/env bash
# Regenerates the docs that are made from code: docs/recipes.md (recipes with their graphs) and
# docs/reference/ (module, filter and role reference rendered by antsibull-docs, and as Markdown).
# scripts/docs.sh --check renders into a temporary directory and fails if the checked-in docs differ.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/collection-env.sh" "$(dirname "${BASH_SOURCE[0]}")/../tests/requirements-dev.txt"
work=$collections
target=$root
[[ ${1:-} == --check ]] && { target=$work/out; mkdir -p "$target/examples"; cp -r "$root/examples/recipes" "$target/examples/"; }
mkdir -p "$target/docs/reference"
PYTHONPATH=$collections python "$root/scripts/docs.py" "$target"
(cd "$root" && antsibull-docs lint-collection-docs --plugin-docs .)
rm -rf "$target/docs/reference" && mkdir -m 755 "$target/docs/reference"
antsibull-docs collection --use-current --squash-hierarchy --fail-on-error --output-format simplified-rst \
  --dest-dir "$target/docs/reference" linuxnet.netns >/dev/null
python "$root/scripts/reference_md.py" "$target/docs/reference"  # the same, as Markdown for the repository page
if [[ ${1:-} == --check ]]; then
  diff -ru "$root/docs/reference" "$target/docs/reference" && diff -u "$root/docs/recipes.md" "$target/docs/recipes.md" \
    || { echo "docs are out of date: run bash scripts/docs.sh and commit"; exit 1; }
  echo "docs are up to date"
fi
