#!/bin/sh
# Installs the already-built tree into a temporary prefix and builds a tiny third-party program
# against it four ways: CMake package (shared, static) and pkg-config (shared, static). Each
# program runs; the static ones must not depend on libnncf.so.
# Usage: install_consumer_test.sh <build dir> <source dir> <c compiler> <shared ON|OFF>
#                                 <static ON|OFF> [model.onnx]
set -eu
BUILD=$1
SRC=$2
CC=$3
WANT_SHARED=$4
WANT_STATIC=$5
MODEL=${6:-}
CONSUMER=$SRC/tests/abi/consumer
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix
LOG=$WORK/log.txt

fail() {
  echo "FAIL: $*"
  [ -s "$LOG" ] && tail -n 40 "$LOG"
  exit 1
}
step() { echo "--- $*"; }

is_on() {
  case "$1" in ON | on | 1 | TRUE | true | YES | yes | Y) return 0 ;; *) return 1 ;; esac
}

# Runs a consumer binary and checks what it links against.
#   check_binary <binary> <shared|static>
check_binary() {
  bin=$1
  kind=$2
  needed=$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p')
  if [ "$kind" = shared ]; then
    echo "$needed" | grep -qx 'libnncf\.so\.[0-9.]*' || fail "$bin does not need libnncf.so: $needed"
    # The installed copy, not the build tree's, must be the one that loads.
    resolved=$(ldd "$bin" | sed -n 's/^[[:space:]]*libnncf\.so[^ ]* => \([^ ]*\).*/\1/p')
    case "$resolved" in
      "$PREFIX"/*) ;;
      *) fail "$bin loads libnncf from '$resolved', not from $PREFIX" ;;
    esac
  else
    if echo "$needed" | grep -q 'libnncf'; then fail "static $bin still needs: $needed"; fi
    if ldd "$bin" | grep -q 'libnncf'; then fail "static $bin loads libnncf.so: $(ldd "$bin")"; fi
    nm "$bin" | grep -q ' T nncf_version_string$' || fail "static $bin does not contain libnncf code"
  fi
  if [ -n "$MODEL" ]; then
    "$bin" "$MODEL" > "$LOG" 2>&1 || fail "$bin $MODEL failed"
  else
    "$bin" > "$LOG" 2>&1 || fail "$bin failed"
  fi
  sed 's/^/    /' "$LOG"
  : > "$LOG"
}

step "install $BUILD into a temporary prefix"
cmake --install "$BUILD" --prefix "$PREFIX" > "$LOG" 2>&1 || fail "cmake --install failed"
: > "$LOG"
[ -f "$PREFIX/include/nncf.h" ] || fail "nncf.h not installed"
cmp -s "$PREFIX/include/nncf.h" "$SRC/include/nncf.h" || fail "installed nncf.h differs from source"
pc=$(find "$PREFIX" -name nncf.pc)
[ -n "$pc" ] || fail "nncf.pc not installed"
LIBDIR=$(dirname "$(dirname "$pc")")
for f in nncfConfig.cmake nncfConfigVersion.cmake nncfTargets.cmake; do
  [ -f "$LIBDIR/cmake/nncf/$f" ] || fail "$LIBDIR/cmake/nncf/$f not installed"
done
if is_on "$WANT_SHARED"; then
  [ -f "$LIBDIR/libnncf.so" ] || fail "libnncf.so not installed in $LIBDIR"
fi
if is_on "$WANT_STATIC"; then
  [ -f "$LIBDIR/libnncf.a" ] || fail "libnncf.a not installed in $LIBDIR"
fi

# --- CMake package ---
cmake_consumer() {
  kind=$1
  static=OFF
  target=nncf::nncf
  if [ "$kind" = static ]; then
    static=ON
    target=nncf::nncf_static
  fi
  step "find_package(nncf) + $target"
  dir=$WORK/cmake-$kind
  cmake -S "$CONSUMER" -B "$dir" -DCMAKE_C_COMPILER="$CC" -DCMAKE_PREFIX_PATH="$PREFIX" \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCONSUMER_STATIC="$static" > "$LOG" 2>&1 \
    || fail "configuring the consumer ($kind) failed"
  found=$(sed -n 's/^nncf_DIR:PATH=//p' "$dir/CMakeCache.txt")
  case "$found" in
    "$PREFIX"/*) ;;
    *) fail "find_package found nncf in '$found', not in $PREFIX" ;;
  esac
  cmake --build "$dir" > "$LOG" 2>&1 || fail "building the consumer ($kind) failed"
  : > "$LOG"
  check_binary "$dir/consumer" "$kind"
}

# --- pkg-config ---
export PKG_CONFIG_PATH="$LIBDIR/pkgconfig"
pc_consumer() {
  kind=$1
  out=$WORK/pc-$kind
  pc_libdir=$(pkg-config --variable=libdir nncf)
  [ "$(cd "$pc_libdir" && pwd -P)" = "$(cd "$LIBDIR" && pwd -P)" ] \
    || fail "nncf.pc points at '$pc_libdir', not the prefix it was installed to"
  if [ "$kind" = shared ]; then
    step "cc \$(pkg-config --cflags --libs nncf)"
    # shellcheck disable=SC2046
    "$CC" -std=c99 -Wall -Wextra -Werror -pedantic "$CONSUMER/consumer.c" -o "$out" \
      $(pkg-config --cflags --libs nncf) -Wl,-rpath,"$pc_libdir" > "$LOG" 2>&1 \
      || fail "pkg-config shared build failed"
  else
    step "cc \$(pkg-config --cflags --libs --static nncf), -lnncf -> -l:libnncf.a"
    cflags=$(pkg-config --cflags --static nncf)
    case " $cflags " in *" -DNNCF_STATIC "*) ;; *) fail "--static cflags lack -DNNCF_STATIC: $cflags" ;; esac
    # pkg-config cannot choose the archive when the .so sits next to it: name it explicitly.
    libs=$(pkg-config --libs --static nncf | sed 's/\(^\| \)-lnncf\( \|$\)/\1-l:libnncf.a\2/')
    case " $libs " in *" -l:libnncf.a "*) ;; *) fail "no -lnncf in: $libs" ;; esac
    # shellcheck disable=SC2086
    "$CC" -std=c99 -Wall -Wextra -Werror -pedantic "$CONSUMER/consumer.c" -o "$out" \
      $cflags $libs > "$LOG" 2>&1 || fail "pkg-config static build failed"
  fi
  : > "$LOG"
  check_binary "$out" "$kind"
}

if is_on "$WANT_SHARED"; then
  cmake_consumer shared
  pc_consumer shared
fi
if is_on "$WANT_STATIC"; then
  cmake_consumer static
  pc_consumer static
fi
echo "PASS: installed package consumed (shared=$WANT_SHARED static=$WANT_STATIC)"
