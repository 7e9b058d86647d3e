#!/usr/bin/env bash
# Copy the pinned front-end libraries from npm into static/vendor/<lib>-<version>/ (committed, served
# by WhiteNoise: nothing comes from a CDN at run time). Run after changing package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
version() { node -p "require('./node_modules/$1/package.json').version"; }

dest="static/vendor/leaflet-$(version leaflet)"
rm -rf "$dest" && mkdir -p "$dest"
# leaflet.js names its source map, and hashed static storage insists the map exists.
cp -r node_modules/leaflet/dist/{leaflet.js,leaflet.js.map,leaflet.css,images} node_modules/leaflet/LICENSE "$dest/"
echo "vendored: $dest"

# The API's browsable docs (/api/v1/docs/): only the bundle, the preset and the stylesheet.
dest="static/vendor/swagger-ui-$(version swagger-ui-dist)"
rm -rf "$dest" && mkdir -p "$dest"
cp node_modules/swagger-ui-dist/{swagger-ui-bundle.js,swagger-ui-standalone-preset.js,swagger-ui.css,favicon-32x32.png,LICENSE} "$dest/"
# Their source-map comments name files we do not ship; hashed static storage would insist on them.
sed -i '/^\/\/# sourceMappingURL=/d' "$dest"/*.js
sed -i 's#/\*\# sourceMappingURL=[^*]*\*/##' "$dest/swagger-ui.css"
echo "vendored: $dest"
