#!/usr/bin/env bash
# Sets Likeness up on Debian 12 from a source checkout and runs one of two jobs:
#   packaging/setup.sh demo [PROJECT]   install, build, create the Fashion-MNIST demo project,
#                                       train, then open the app (or print a summary without
#                                       a display). PROJECT defaults to ~/likeness-demo.
#   packaging/setup.sh test             install, build and run every test (ctest).
# Needs root or sudo for apt-get; everything else runs as the calling user.
set -euo pipefail

job=${1:-demo}
source_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${LIKENESS_BUILD_DIR:-$source_dir/build}

# Debian packages, with why each is needed, are listed in the README.
packages=(
    cmake ninja-build g++ pkg-config ccache
    qt6-base-dev libqt6sql6-sqlite qt6-svg-dev qt6-charts-dev libqt6opengl6-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n
    libxkbcommon-dev libvulkan-dev libgl-dev
    libtorch-dev libopenblas0-pthread libopenblas-dev
    libfaiss-dev libopencv-dev libsqlite3-dev zlib1g-dev
    libjpeg-dev libgif-dev libwebp-dev libtiff-dev libssl-dev libvips-tools
    dataset-fashion-mnist xvfb xauth
)

install_packages() {
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return
    fi
    echo "Installing ${#missing[@]} Debian packages: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
        "${missing[@]}"
}

# LibTorch and Faiss run 10-20 times slower on Debian's reference BLAS.
check_blas() {
    local blas
    blas=$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)
    case "$blas" in
        *openblas*) ;;
        *) echo "Warning: libblas.so.3 is $blas, not OpenBLAS; training will be slow." >&2 ;;
    esac
}

build() {
    local launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "${launcher[@]}"
    cmake --build "$build_dir" --parallel "$(nproc)"
}

run_demo() {
    local project=${1:-$HOME/likeness-demo}
    local cli=$build_dir/app/cli/likeness-cli
    if [ -e "$project/project.sqlite" ]; then
        echo "The demo project $project exists already; showing it (delete it to start over)."
        "$cli" info "$project"
        "$cli" eval "$project"
        "$cli" knn "$project" 1 -k 8
    else
        "$cli" demo "$project"
    fi
    if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$build_dir/app/gui/likeness" ]; then
        echo "Opening the Likeness window on $project"
        "$build_dir/app/gui/likeness" "$project"
    else
        echo "No display: the summary above is the headless demo. Run" \
             "'$build_dir/app/gui/likeness $project' on a desktop to browse it."
    fi
}

run_tests() {
    cd "$build_dir"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 1500
}

install_packages
check_blas
build
case "$job" in
    demo) run_demo "${2:-}" ;;
    test) run_tests ;;
    *) echo "Unknown job '$job'; use 'demo' or 'test'." >&2; exit 2 ;;
esac
