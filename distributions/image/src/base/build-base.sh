#!/usr/bin/env bash
# Builds the base image Jib puts Tapio on, as a `docker save` archive (OUT/base.tar) of two layers:
#   1. a glibc root filesystem unpacked from the Debian 12 packages pinned in packages.lock
#      (no maintainer scripts, no shell, no package manager), plus /etc/passwd and /etc/group with
#      the non-root user 65532, /tmp, and the CA bundle;
#   2. a Java runtime jlinked from JDK_HOME with only MODULES, at /opt/java.
# Same inputs give the same bytes: files sorted, times at the epoch, owners numeric and fixed,
# modes normalised. The .debs are kept in TAPIO_DEB_CACHE (default ~/.cache/tapio/debs) under their
# sha256, so later builds need no network.
#
# usage: build-base.sh OUT JDK_HOME MODULES(comma-separated)
# exit 0: built; 77: cannot be built on this machine (the reason is printed and written to
# OUT/SKIPPED, the image is skipped); anything else: a real failure.
set -euo pipefail
out=$1 jdk=$2 modules=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lock="$here/packages.lock"
cache=${TAPIO_DEB_CACHE:-$HOME/.cache/tapio/debs}
work="$out/work"

say() { echo "tapio image: $*" >&2; }
skip() {
  mkdir -p "$out"
  echo "$*" > "$out/SKIPPED"
  say "SKIPPED, the OCI image is not built: $*"
  exit 77
}

rm -rf "$out"
mkdir -p "$out"
for tool in apt-get dpkg-deb sha256sum; do
  command -v "$tool" >/dev/null || skip "'$tool' is missing (needs a Debian machine)"
done
tar --version 2>/dev/null | grep -q 'GNU tar' || skip "GNU tar is missing"
[ -x "$jdk/bin/jlink" ] || skip "no jlink in $jdk"

# --- 1. the pinned .debs, from the cache or downloaded once -----------------------------------
mkdir -p "$cache" || skip "cannot create the .deb cache $cache"
updated=""
fetch() { # NAME VERSION SHA256: sets deb to the path of the verified .deb
  local name=$1 version=$2 sha=$3 cached="$cache/$sha.deb" tmp
  deb=$cached
  if [ -f "$cached" ] && echo "$sha  $cached" | sha256sum -c --status; then return; fi
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$name=$version" </dev/null >&2); then
    if [ -z "$updated" ] && [ "$(id -u)" = 0 ]; then
      say "refreshing the package index to find $name=$version"
      apt-get update -qq </dev/null >&2 || { rm -rf "$tmp"; skip "apt-get update failed (no network?)"; }
      updated=1
      (cd "$tmp" && apt-get download -q -o APT::Sandbox::User=root "$name=$version" </dev/null >&2) \
        || { rm -rf "$tmp"; skip "$name=$version cannot be downloaded (network, or the pin in packages.lock is no longer served)"; }
    else
      rm -rf "$tmp"
      skip "$name=$version cannot be downloaded (no network, or the package index is stale and refreshing it needs root)"
    fi
  fi
  local got
  got=$(sha256sum "$tmp"/*.deb | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    rm -rf "$tmp"
    say "FAILED: $name=$version has sha256 $got, packages.lock pins $sha"
    exit 1
  fi
  mv "$tmp"/*.deb "$cached"
  rm -rf "$tmp"
}

rootfs="$work/rootfs"
mkdir -p "$rootfs"/usr/{bin,sbin,lib,lib64} "$rootfs"/var/lib/dpkg/status.d "$rootfs"/etc/ssl/certs
# Debian 12's merged /usr: the top-level directories are links into /usr.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$rootfs/$d"; done
while read -r name version sha; do
  case "$name" in ''|'#'*) continue ;; esac
  fetch "$name" "$version" "$sha"
  dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink --no-same-owner -C "$rootfs"
  # What scanners read to know which packages (and versions) the image holds.
  dpkg-deb -f "$deb" Package Version Architecture Source Maintainer Description \
    > "$rootfs/var/lib/dpkg/status.d/$name"
done < "$lock"

# Keep the libraries, the licences and the CA bundle; drop what nothing here runs or reads.
find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright ! -type d -delete
rm -rf "$rootfs/usr/share/doc/ca-certificates/examples"
find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$rootfs"/usr/share/{man,info,lintian,locale,bug} \
  "$rootfs"/usr/lib/x86_64-linux-gnu/gconv \
  "$rootfs"/usr/sbin/update-ca-certificates "$rootfs"/etc/ca-certificates
# What update-ca-certificates would write: every Mozilla root, in name order.
find "$rootfs/usr/share/ca-certificates/mozilla" -name '*.crt' | LC_ALL=C sort \
  | xargs cat > "$rootfs/etc/ssl/certs/ca-certificates.crt"
rm -rf "$rootfs/usr/share/ca-certificates"

cat > "$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
cat > "$rootfs/etc/group" <<'EOF'
root:x:0:
nonroot:x:65532:
EOF
cat > "$rootfs/etc/nsswitch.conf" <<'EOF'
passwd: files
group: files
hosts: files dns
EOF
cat > "$rootfs/etc/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF
mkdir -p "$rootfs"/{tmp,root,home/nonroot,proc,sys,dev}

# Modes do not depend on the umask of whoever builds: read for all, writable by the owner only.
chmod -R u+rwX,go+rX,go-w "$rootfs"
chmod 1777 "$rootfs/tmp"
chmod 0700 "$rootfs/root"

reproducible_tar() { # DIR ARCHIVE --create|--append [tar options…]: sorted, epoch times, numeric owners
  local dir=$1 archive=$2
  shift 2
  (cd "$dir" && LC_ALL=C tar --file="$archive" --sort=name --format=posix \
      --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
      --mtime=@0 --numeric-owner "$@")
}
# Everything root-owned, except the user's home, appended with its own owner.
reproducible_tar "$rootfs" "$work/debian.tar" --create --owner=0 --group=0 --exclude=./home/nonroot .
reproducible_tar "$rootfs" "$work/debian.tar" --owner=65532 --group=65532 --no-recursion \
  --append ./home/nonroot

# --- 2. the jlinked runtime -------------------------------------------------------------------
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=zip-6 --output "$work/java/opt/java"
chmod -R u+rwX,go+rX,go-w "$work/java"
reproducible_tar "$work/java" "$work/java.tar" --create --owner=0 --group=0 .

# --- the `docker save` archive Jib reads as its base ------------------------------------------
digest() { sha256sum "$1" | cut -d' ' -f1; }
debian=$(digest "$work/debian.tar") java=$(digest "$work/java.tar")
mkdir -p "$work/archive"
mv "$work/debian.tar" "$work/archive/$debian.tar"
mv "$work/java.tar" "$work/archive/$java.tar"
packages=$(grep -Ev '^(#|$)' "$lock" | awk '{printf "%s%s=%s", (NR>1?" ":""), $1, $2}')
cat > "$work/archive/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"Env":["PATH=/opt/java/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8","SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"]},"rootfs":{"type":"layers","diff_ids":["sha256:$debian","sha256:$java"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"build-base.sh: Debian 12 packages $packages"},{"created":"1970-01-01T00:00:00Z","created_by":"build-base.sh: jlink --add-modules $modules"}]}
EOF
config=$(digest "$work/archive/config.json")
mv "$work/archive/config.json" "$work/archive/$config.json"
cat > "$work/archive/manifest.json" <<EOF
[{"Config":"$config.json","RepoTags":["tapio-base:latest"],"Layers":["$debian.tar","$java.tar"]}]
EOF
chmod -R u+rwX,go+rX,go-w "$work/archive"
reproducible_tar "$work/archive" "$out/base.tar" --create --owner=0 --group=0 \
  manifest.json "$config.json" "$debian.tar" "$java.tar"
rm -rf "$work"
say "base image $out/base.tar (Debian layer sha256:$debian, Java layer sha256:$java)"
