//go:build !linux && !darwin && !freebsd

package fsx

import "runtime"

// RAMBacked cannot tell a RAM file system on this OS (Windows among them),
// so it says no: an unlocked key that might land on disk is refused rather
// than risked. The OS keyring backend needs no unlocked copy.
func RAMBacked(dir string) (ok bool, fsType string, err error) {
	return false, "unknown on " + runtime.GOOS, nil
}
