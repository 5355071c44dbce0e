//go:build !windows

package storetest

import "testing"

// UnderWine is false off Windows.
func UnderWine() bool { return false }

// SkipUnderWine does nothing off Windows.
func SkipUnderWine(testing.TB, string) {}
