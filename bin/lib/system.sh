# Sourced by bin/run and bin/test: the system libraries the exports draw with (cairo for
# diagrams, Pango for the report's PDF, DejaVu fonts for every Italian letter). Installed with
# apt-get when missing and we may; otherwise a warning says what to install (docs/deploy.md).

SYSTEM_PACKAGES="libcairo2 libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"

_system_libraries_present() {
    ldconfig -p 2>/dev/null | grep -q "libcairo.so.2" &&
        ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" &&
        [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]
}

ensure_system_libraries() {
    _system_libraries_present && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "==> installing the libraries exports draw with (apt-get install $SYSTEM_PACKAGES)"
        local log="${TMPDIR:-/tmp}/tavolo-apt-libraries.log"
        if (export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq && apt-get install -y -qq --no-install-recommends $SYSTEM_PACKAGES) >"$log" 2>&1; then
            return 0
        fi
        tail -n 5 "$log" >&2
    fi
    echo "warning: install $SYSTEM_PACKAGES for PNG/PDF exports and the report's PDF (docs/deploy.md)" >&2
}
