#!/usr/bin/env bash
# Vendor the scripts the built book needs, from the npm registry, into _assets/ (git-ignored).
# MathJax 3 (the single self-contained file es5/tex-svg-full.js), require.js and the ipywidgets
# HTML manager, at exact versions. Run by `make assets`; needs npm and tar.
set -euo pipefail
MATHJAX=3.2.2
HTML_MANAGER=1.0.6
REQUIREJS=2.3.7

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/_assets"
command -v npm >/dev/null || { echo "vendor_assets: npm is needed (Debian: apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "mathjax@$MATHJAX" "@jupyter-widgets/html-manager@$HTML_MANAGER" \
   "requirejs@$REQUIREJS" >/dev/null)
for tgz in "$tmp"/*.tgz; do
  mkdir -p "$tmp/$(basename "$tgz" .tgz)"
  tar xzf "$tgz" -C "$tmp/$(basename "$tgz" .tgz)"
done
rm -rf "$out.new" && mkdir -p "$out.new/mathjax" "$out.new/widgets"
cp "$tmp/mathjax-$MATHJAX/package/es5/tex-svg-full.js" "$out.new/mathjax/"
cp "$tmp/mathjax-$MATHJAX/package/LICENSE" "$out.new/mathjax/LICENSE"
cp "$tmp/requirejs-$REQUIREJS/package/require.js" "$out.new/widgets/require.min.js"
# embed-amd.js plus the fonts and chunks it loads relative to itself (no source maps).
find "$tmp/jupyter-widgets-html-manager-$HTML_MANAGER/package/dist" -maxdepth 1 -type f \
  ! -name '*.map' ! -name 'embed.js' ! -name 'libembed-amd.js' -exec cp {} "$out.new/widgets/" \;
cp "$root/tools/mathjax-hub-shim.js" "$out.new/"
cp "$root/tools/require-config.js" "$out.new/widgets/"
echo "mathjax $MATHJAX, @jupyter-widgets/html-manager $HTML_MANAGER, requirejs $REQUIREJS" > "$out.new/VERSIONS"
rm -rf "$out" && mv "$out.new" "$out"
echo "vendored into $out: $(cat "$out/VERSIONS")"
