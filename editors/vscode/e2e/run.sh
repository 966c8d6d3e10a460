#!/usr/bin/env bash
# End-to-end test of the packaged VS Code extension: the .vsix runs in
# code-server (from npm), and Debian's Chromium, driven by playwright-core,
# uses it as a person would (test.js).
#
#   STORYFMT_COMMAND=/abs/path/.venv/bin/storyfmt editors/vscode/e2e/run.sh [EXTENSION.vsix]
#
# STORYFMT_COMMAND: the storyfmt executable of a virtual environment with
#   storyfmt[lsp] installed (an absolute path).
# $1: a .vsix to test; without it the extension is packaged from editors/vscode.
# STORYFMT_E2E_CACHE: where the tools are installed, kept for the next run
#   (default ${XDG_CACHE_HOME:-$HOME/.cache}/storyfmt-e2e).
# STORYFMT_E2E_SHOTS: where the screenshots go (default: a new temporary folder).
# STORYFMT_E2E_NOLSP_COMMAND: a storyfmt without the lsp extra, for the
#   scenario that needs one (default: a virtual environment made in the cache).
#
# Needs Debian as root (it installs the Debian packages it lacks) and Node 20.
# Exits 0 only when every check passed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
EXTENSION=$(dirname "$HERE")
REPO=$(cd "$EXTENSION/../.." && pwd)
CACHE=${STORYFMT_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/storyfmt-e2e}
CODE_SERVER_VERSION=4.100.3
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 2; }

# --- What to test with ---------------------------------------------------------

[ -n "${STORYFMT_COMMAND:-}" ] || die "set STORYFMT_COMMAND to the absolute path of a storyfmt that has the lsp extra"
case "$STORYFMT_COMMAND" in /*) ;; *) die "STORYFMT_COMMAND must be an absolute path: $STORYFMT_COMMAND" ;; esac
[ -x "$STORYFMT_COMMAND" ] || die "STORYFMT_COMMAND is not an executable: $STORYFMT_COMMAND"
VSIX=${1:-}
if [ -n "$VSIX" ]; then
    [ -f "$VSIX" ] || die "no such .vsix: $VSIX"
    VSIX=$(cd "$(dirname "$VSIX")" && pwd)/$(basename "$VSIX")
fi
command -v node >/dev/null || die "Node.js 20 is needed (node not found)"
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] \
    || die "code-server $CODE_SERVER_VERSION needs Node.js 20, found $(node --version)"

START=$SECONDS
mkdir -p "$CACHE"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/storyfmt-e2e.XXXXXX")
SHOTS=${STORYFMT_E2E_SHOTS:-$WORK/shots}
mkdir -p "$SHOTS" "$WORK/run"
SHOTS=$(cd "$SHOTS" && pwd)
SERVER_PGID=
declare -A BACKGROUND=()

# End a process and all its descendants (found through /proc).
kill_tree() {
    local child
    for child in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        kill_tree "$child"
    done
    kill -- "$1" 2>/dev/null || true
}

stop_code_server() {
    if [ -n "$SERVER_PGID" ]; then
        kill -TERM -- "-$SERVER_PGID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 -- "-$SERVER_PGID" 2>/dev/null || break
            sleep 0.5
        done
        kill -KILL -- "-$SERVER_PGID" 2>/dev/null || true
        SERVER_PGID=
    fi
}

cleanup() {
    local status=$?
    local pid
    for pid in "${BACKGROUND[@]}"; do
        kill_tree "$pid"
    done
    stop_code_server
    # Only the screenshots are kept (the logs were shown).
    rm -rf "$WORK/run" "$WORK/storyfmt.vsix" "$WORK/package.log" "$WORK/venv.log"
    rmdir "$WORK" 2>/dev/null || true
    echo "screenshots: $SHOTS" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Debian packages -------------------------------------------------------------

say "Debian packages"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
for package in libkrb5-dev pkg-config make g++ python3 fonts-dejavu-core; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
if [ -z "${STORYFMT_E2E_NOLSP_COMMAND:-}" ] && ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    missing+=(python3-venv)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}" >&2
    [ "$(id -u)" = 0 ] || die "run as root to install ${missing[*]}, or install them first"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- code-server and playwright-core, from npm, into the cache --------------------

# code-server's install scripts cannot run here as they are (they refuse root,
# and @vscode/ripgrep downloads its binary from GitHub): install without them,
# then do by hand what code-server's postinstall.sh does.
install_node_deps() {
    local deps=$CACHE/deps stamp
    # Bump the recipe number when the steps below change.
    stamp="recipe-1-$(sha256sum <"$HERE/package-lock.json" | cut -c1-16)-$(node --version)"
    if [ -f "$deps/.installed" ] && [ "$(cat "$deps/.installed")" = "$stamp" ]; then
        echo "up to date: $deps" >&2
        return
    fi
    rm -rf "$deps"
    mkdir -p "$deps"
    cp "$HERE/package.json" "$HERE/package-lock.json" "$deps/"
    (
        cd "$deps"
        export npm_config_yes=true npm_config_audit=false npm_config_fund=false \
            npm_config_update_notifier=false npm_config_loglevel=error JOBS=max
        if [ -f /usr/include/node/node.h ]; then export npm_config_nodedir=/usr; fi
        npm ci --ignore-scripts
        # argon2 has no prebuilt binary that can be fetched here: it builds from source.
        npm rebuild argon2 >"$deps/argon2.log" 2>&1 &
        local argon2=$!
        cd node_modules/code-server/lib/vscode
        npm install --omit=dev --ignore-scripts
        mkdir -p node_modules/@vscode/ripgrep/bin
        cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
        ln -sfn node_modules node_modules.asar
        ln -sfn code-linux.sh bin/remote-cli/code-server
        ln -sfn browser-linux.sh bin/helpers/browser.sh
        (cd extensions && npm install --omit=dev >"$deps/extensions.log" 2>&1) &
        local extensions=$!
        # The native modules that Linux uses (ripgrep's script sees bin/rg and stops).
        npm rebuild @vscode/ripgrep @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty
        wait "$argon2" || { cat "$deps/argon2.log" >&2; exit 1; }
        wait "$extensions" || { cat "$deps/extensions.log" >&2; exit 1; }
    )
    echo "$stamp" >"$deps/.installed"
}

# --- The extension ----------------------------------------------------------------

package_extension() {
    # vsce keeps an id under XDG_CACHE_HOME: not in the user's.
    export XDG_CACHE_HOME=$WORK/run/xdg-cache XDG_CONFIG_HOME=$WORK/run/xdg-config
    cd "$EXTENSION"
    npm ci --no-audit --no-fund --loglevel=error
    npx --no vsce package --out "$WORK/storyfmt.vsix"
}

# --- A storyfmt without the lsp extra ------------------------------------------------

# Installed editable, so that it runs the working tree's code; made again when
# the project's dependencies or its place change.
make_venv_without_lsp() {
    local venv=$1 stamp
    stamp="$(sha256sum <"$REPO/pyproject.toml" | cut -c1-16) $REPO $(python3 --version)"
    if [ -x "$venv/bin/storyfmt" ] && [ "$(cat "$venv/.installed" 2>/dev/null)" = "$stamp" ]; then
        echo "up to date: $venv"
        return
    fi
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --editable "$REPO" 2>&1 \
        | { grep -v '^WARNING: Location .* is ignored' || true; }
    echo "$stamp" >"$venv/.installed"
}

# --- All three at once ------------------------------------------------------------

# The packaging and the virtual environment run beside the npm install; their
# output is shown when they end.
in_background() {
    local name=$1
    shift
    ("$@") >"$WORK/$name.log" 2>&1 &
    BACKGROUND[$name]=$!
}
finish() {
    local name=$1 title=$2 status=0
    wait "${BACKGROUND[$name]}" || status=$?
    unset "BACKGROUND[$name]"
    say "$title"
    cat "$WORK/$name.log" >&2
    [ "$status" = 0 ] || die "$title: failed (exit status $status)"
}

if [ -z "$VSIX" ]; then
    in_background package package_extension
fi
NOLSP_COMMAND=${STORYFMT_E2E_NOLSP_COMMAND:-}
if [ -z "$NOLSP_COMMAND" ]; then
    in_background venv make_venv_without_lsp "$CACHE/venv-without-lsp"
    NOLSP_COMMAND=$CACHE/venv-without-lsp/bin/storyfmt
fi

say "code-server $CODE_SERVER_VERSION and playwright-core (cache: $CACHE)"
install_node_deps
CODE_SERVER=$CACHE/deps/node_modules/code-server/out/node/entry.js
export NODE_PATH=$CACHE/deps/node_modules

if [ -z "$VSIX" ]; then
    finish package "Packaging the extension"
    VSIX=$WORK/storyfmt.vsix
fi
if python3 -m zipfile -l "$VSIX" | grep -q 'extension/e2e/'; then
    die "$VSIX contains the e2e files: add e2e/** to editors/vscode/.vscodeignore"
fi
if [ -z "${STORYFMT_E2E_NOLSP_COMMAND:-}" ]; then
    finish venv "A storyfmt without the lsp extra (editable)"
fi
if "$(dirname "$NOLSP_COMMAND")/python" -c 'import lsprotocol' 2>/dev/null; then
    die "$NOLSP_COMMAND has the lsp extra: the scenario needs a storyfmt without it"
fi

# --- The scenarios ----------------------------------------------------------------

RUN=$WORK/run
export XDG_CONFIG_HOME=$RUN/xdg-config XDG_DATA_HOME=$RUN/xdg-data XDG_CACHE_HOME=$RUN/xdg-cache

say "Installing $(basename "$VSIX") into code-server"
node "$CODE_SERVER" --user-data-dir "$RUN/install" --extensions-dir "$RUN/extensions" \
    --install-extension "$VSIX"

# The workspace: a story with errors, a valid story that is not in canonical
# form (trailing spaces), and a plain-text file that is not a story.
make_workspace() {
    local folder=$1 example=$REPO/examples/card-monsoon-floods.story
    mkdir -p "$folder/stories"
    sed -e 's/^Status$/Status:/' \
        -e '/^Duration$/{n;s/.*/18 hrs/}' \
        -e '/^Virality$/{n;s/.*/high/}' \
        "$example" >"$folder/stories/broken.story"
    sed -e 's/^Story Stats$/Story Stats  /' \
        -e 's/^Active$/Active /' \
        -e '0,/^  • .*[.]$/s//&   /' \
        "$example" >"$folder/stories/good.story"
    printf '%s\n' 'Notes for the next card' '' 'Status:' 'ask the desk about the' 'Virality' 'high' \
        >"$folder/notes.txt"
}

free_port() {
    node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# Wait until code-server answers on /healthz (60 s at most).
wait_for_health() {
    node -e '
        const url = `http://127.0.0.1:${process.argv[1]}/healthz`;
        const deadline = Date.now() + 60000;
        (async () => {
            for (;;) {
                try {
                    if ((await fetch(url)).ok) return;
                } catch {}
                if (Date.now() > deadline) process.exit(1);
                await new Promise((resolve) => setTimeout(resolve, 250));
            }
        })();
    ' "$1"
}

# run_scenario NAME STORYFMT: code-server with its own settings and workspace,
# and test.js against it; code-server's process group is ended in any case.
run_scenario() {
    local name=$1 command=$2 dir=$RUN/$1 port status=0
    mkdir -p "$dir/user/User"
    make_workspace "$dir/workspace"
    node -e '
        const [file, command] = process.argv.slice(1);
        require("fs").writeFileSync(file, JSON.stringify({
            "storyfmt.server.command": [command, "server"],
            "workbench.startupEditor": "none",
            "workbench.editor.enablePreview": false,
            "workbench.editor.enablePreviewFromQuickOpen": false,
            "workbench.tips.enabled": false,
            "workbench.colorTheme": "Default Light Modern",
            "files.trimTrailingWhitespace": false,
            "files.insertFinalNewline": false,
            "files.autoSave": "off",
            "editor.formatOnSave": false,
            "editor.minimap.enabled": false,
            "telemetry.telemetryLevel": "off",
            "extensions.autoUpdate": false,
            "extensions.autoCheckUpdates": false,
            "extensions.ignoreRecommendations": true,
            "git.enabled": false,
            "chat.commandCenter.enabled": false,
            "security.workspace.trust.enabled": false,
        }, null, 2));
    ' "$dir/user/User/settings.json" "$command"
    port=$(free_port)
    printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\ndisable-telemetry: true\ndisable-update-check: true\n' \
        "$port" >"$dir/config.yaml"
    say "Scenario $name: code-server on 127.0.0.1:$port"
    setsid node "$CODE_SERVER" --config "$dir/config.yaml" --user-data-dir "$dir/user" \
        --extensions-dir "$RUN/extensions" --disable-workspace-trust --disable-getting-started-override \
        "$dir/workspace" >"$dir/code-server.log" 2>&1 </dev/null &
    SERVER_PGID=$! # setsid does not fork here: its pid is the new group's id
    if wait_for_health "$port"; then
        timeout 600 node "$HERE/test.js" --scenario "$name" --url "http://127.0.0.1:$port/" \
            --workspace "$dir/workspace" --shots "$SHOTS" --storyfmt "$STORYFMT_COMMAND" || status=$?
    else
        echo "code-server did not answer on 127.0.0.1:$port" >&2
        status=1
    fi
    stop_code_server
    if [ "$status" != 0 ]; then
        cp "$dir/code-server.log" "$SHOTS/$name-code-server.log"
        echo "code-server's log: $SHOTS/$name-code-server.log" >&2
    fi
    return "$status"
}

failed=0
run_scenario main "$STORYFMT_COMMAND" || failed=1
run_scenario without-lsp "$NOLSP_COMMAND" || failed=1
say "$( [ "$failed" = 0 ] && echo passed || echo FAILED ) in $((SECONDS - START)) s"
exit "$failed"
