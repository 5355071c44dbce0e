#!/bin/sh
# Build and install git-credential-adopat for the current user, then point
# git at it for Azure DevOps URLs. Needs Go and git. Usage:
#   install/install.sh                 # -> ~/.local/bin
#   PREFIX=/usr/local install/install.sh
set -eu
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-"$HOME/.local"}
bindir="$PREFIX/bin"

command -v go >/dev/null || { echo "install.sh: Go is needed to build (https://go.dev/dl/)" >&2; exit 1; }
command -v git >/dev/null || { echo "install.sh: git is needed" >&2; exit 1; }

mkdir -p "$bindir"
# Two binaries, side by side: git-credential-adopat (what git runs) hands
# every command but get and store to git-credential-adopat-manage.
for cmd in git-credential-adopat git-credential-adopat-manage; do
	CGO_ENABLED=0 go build -trimpath -o "$bindir/$cmd" "./cmd/$cmd"
	echo "installed $bindir/$cmd"
done

case ":$PATH:" in
*":$bindir:"*) ;;
*) echo "note: add $bindir to PATH to run git-credential-adopat by name (git runs it by the absolute path install writes)" >&2 ;;
esac

"$bindir/git-credential-adopat" install
echo "next: git-credential-adopat add --org YOUR_ORG --expires 30d --scopes vso.code"
