# Sourced by bin/run and bin/test: make .venv and install the package into it, once per
# change of pyproject.toml. Usage: ensure_venv [EXTRA]   (e.g. ensure_venv test)

VENV="${VENV:-.venv}"
MIN_PYTHON="3.11"

_python_for_venv() {
    local candidate
    for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python $MIN_PYTHON or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

ensure_venv() {
    local extra="${1:-}" spec="." wanted stamp="$VENV/.workshop-installed"
    if [ ! -x "$VENV/bin/python" ]; then
        local python
        python="$(_python_for_venv)" || return 1
        echo "==> creating $VENV with $($python --version)"
        "$python" -m venv "$VENV"
    fi
    [ -n "$extra" ] && spec=".[$extra]"
    # The stamp records what was installed: the hash of pyproject.toml and the extra.
    wanted="$(sha256sum pyproject.toml | cut -d' ' -f1) ${extra:-base}"
    if [ -f "$stamp" ] && { grep -qxF "$wanted" "$stamp" ||
        { [ -z "$extra" ] && grep -q "^${wanted%% *} " "$stamp"; }; }; then
        return 0  # nothing changed since the last install (an extra covers the base too)
    fi
    echo "==> installing the package and its dependencies into $VENV (pip install -e '$spec')"
    echo "    the first time this takes a minute or two; each package is named as it comes"
    # One line per package (pip's own "Collecting ..." lines), not pip's whole chatter; the full
    # output is kept in a log for when something fails.
    local log="$VENV/pip-install.log"
    { "$VENV/bin/python" -m pip install --disable-pip-version-check --progress-bar off -e "$spec" 2>&1 ||
        echo "PIP-FAILED"; } | tee "$log" |
        { grep --line-buffered -E "^(Collecting|Installing collected|Successfully installed|ERROR)" || true; } |
        sed -u 's/^/    /'
    if grep -q "^PIP-FAILED" "$log"; then
        echo "error: pip could not install the package; the last lines of $log:" >&2
        tail -n 20 "$log" >&2
        return 1
    fi
    echo "$wanted" >"$stamp"
}
