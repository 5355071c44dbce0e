package storetest

import (
	"testing"

	"golang.org/x/sys/windows"
)

// UnderWine reports whether this Windows program runs under Wine (the
// Windows tests do, see .ci/wine): Wine's ntdll exports wine_get_version,
// Windows' does not.
func UnderWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// SkipUnderWine skips a test that meets a known limitation of Wine, not
// of Windows; why names it.
func SkipUnderWine(t testing.TB, why string) {
	t.Helper()
	if UnderWine() {
		t.Skip("Wine: " + why)
	}
}
