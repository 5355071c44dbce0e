//go:build !linux

package keyringtest

import (
	"errors"
	"os/exec"
	"testing"
)

// Session is only real on Linux; elsewhere Start and BusOnly skip the
// test (see Require) and the methods exist so callers compile everywhere.
type Session struct {
	Addr       string
	Home       string
	RuntimeDir string
}

var errNotLinux = errors.New("keyringtest runs on Linux only")

func Start(t testing.TB) *Session   { Require(t); return nil }
func BusOnly(t testing.TB) *Session { Require(t); return nil }

func (s *Session) Env() []string                                 { return nil }
func (s *Session) Setenv(testing.TB)                             {}
func (s *Session) Command(name string, args ...string) *exec.Cmd { return exec.Command(name, args...) }
func (s *Session) Activated() bool                               { return false }
func (s *Session) Locked() (bool, error)                         { return false, errNotLinux }
func (s *Session) Lock() error                                   { return errNotLinux }
func (s *Session) Unlock() error                                 { return errNotLinux }
func (s *Session) SecretCalls() []string                         { return nil }
func (s *Session) Close()                                        {}

// StartSession is Linux only, like the harness.
func StartSession() (*Session, error) { return nil, errNotLinux }
