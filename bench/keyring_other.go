//go:build !linux

package main

import (
	"errors"
	"runtime"
)

// keyringSession exists on Linux only: gnome-keyring on a private D-Bus.
type keyringSession struct{ home, runtime string }

func startKeyring(string) (*keyringSession, error) {
	return nil, errors.New("the Secret Service comparison runs on Linux only (this is " + runtime.GOOS + ")")
}

func (s *keyringSession) Env() []string { return nil }
func (s *keyringSession) Close()        {}
