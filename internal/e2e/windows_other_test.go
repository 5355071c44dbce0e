//go:build !linux

package e2e_test

// removeWindowsBuild: the Windows build under Wine is made on Linux only
// (windows_test.go).
func removeWindowsBuild() {}
