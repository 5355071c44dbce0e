//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

// The build constraint is go-keyring's own for its Secret Service provider
// (keyring_unix.go), so this guard exists exactly where that provider does.

package keyring

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/godbus/dbus/v5"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// sessionBusAddress finds the session bus without ever letting godbus
// autolaunch one. godbus's getSessionBusAddress (conn.go, conn_other.go)
// runs `dbus-launch` when DBUS_SESSION_BUS_ADDRESS is unset, empty or
// "autolaunch:" and /run/user/$UID/bus does not exist; every git operation
// on a headless host would then leave a dbus-daemon behind. So: the
// variable if it is set (an autolaunch: address is refused), else the
// per-user socket $XDG_RUNTIME_DIR/bus (/run/user/$UID/bus without the
// variable), as libdbus and sd-bus look for it. A socket found that way is
// exported in DBUS_SESSION_BUS_ADDRESS, so that go-keyring's
// dbus.SessionBus() takes it and never reaches godbus's own discovery.
func sessionBusAddress() (string, error) {
	if addr := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		if strings.HasPrefix(addr, "autolaunch:") {
			return "", keyringError(store.KeyringAutolaunch, errAutolaunch, "DBUS_SESSION_BUS_ADDRESS is %q, which would start a new D-Bus daemon, and adopat never starts one", addr)
		}
		return addr, nil
	}
	sock := runtimeBusSocket()
	if sock == "" {
		return "", keyringError(store.KeyringNoBus, errNoSessionBus, "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset and there is no %s), so no Secret Service keyring is reachable",
			filepath.Join(userRuntimeDir(), "bus"))
	}
	addr := "unix:path=" + dbus.EscapeBusAddressValue(sock)
	if err := os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr); err != nil {
		return "", keyringError(store.KeyringFailed, nil, "cannot use the D-Bus session bus at %s: %v", sock, err)
	}
	return addr, nil
}

// userRuntimeDir is $XDG_RUNTIME_DIR, else /run/user/$UID. Relative values
// are ignored, as the XDG base directory spec asks.
func userRuntimeDir() string {
	if dir := os.Getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(dir) {
		return dir
	}
	return fmt.Sprintf("/run/user/%d", os.Getuid())
}

// runtimeBusSocket is the per-user bus socket if it exists.
func runtimeBusSocket() string {
	p := filepath.Join(userRuntimeDir(), "bus")
	if fi, err := os.Stat(p); err == nil && fi.Mode().Type() == fs.ModeSocket {
		return p
	}
	return ""
}
