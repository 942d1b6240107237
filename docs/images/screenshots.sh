#!/bin/sh
# Remake the screenshots of docs/diff.md with headless Chromium (and a CJK font, e.g. the
# Debian package fonts-noto-cjk). Run from the repository root with govrules installed.
# Parts of a page are shown by hiding the rest with one added CSS rule; nothing else changes.
set -eu
out=docs/images
tmp=$(mktemp -d)
govrules diff yunnan puding --format html -o "$tmp/yp.html" >/dev/null
govrules diff yunnan luju --format html -o "$tmp/yl.html" >/dev/null

shot() {  # shot PAGE PNG WIDTH,HEIGHT [CSS]
    page=$tmp/$1
    if [ -n "${4:-}" ]; then
        page=$tmp/part-$2.html
        sed "s|</style>|$4</style>|" "$tmp/$1" >"$page"
    fi
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3" \
        --screenshot="$out/$2" "file://$page" 2>/dev/null
}

shot yp.html diff-yunnan-puding.png 1400,1000
shot yp.html diff-yunnan-puding-pairs.png 1400,760 \
    'header,main>:not(#pairs):not(.pair){display:none}'
shot yp.html diff-yunnan39-puding32.png 1400,330 \
    'header,main>:not(#pair-39-32){display:none}'
shot yl.html diff-yunnan-luju-modified.png 1400,900 \
    'header,.meta,main>h2:first-of-type,tbody tr:not(:has(.k-modified)){display:none}'
rm -r "$tmp"
