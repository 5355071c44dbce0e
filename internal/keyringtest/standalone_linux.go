package keyringtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// reporter is the part of testing.TB a Session uses to report failures;
// StartSession reports through one that is not a test.
type reporter interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// StartSession is Start for programs that are not tests (the benchmark):
// the same session with gnome-keyring's login collection unlocked, but
// without the bus monitor (which would add a copy of every message to
// what is timed), and failing with an error instead of a test failure.
// The caller must Close it; Close reports what it could not clean up on
// stderr.
func StartSession() (s *Session, err error) {
	for _, tool := range harnessTools {
		if _, err := exec.LookPath(tool); err != nil {
			return nil, fmt.Errorf("%s not found (apt-get install -y dbus gnome-keyring)", tool)
		}
	}
	root, err := os.MkdirTemp("", "akt-") // short: socket paths are limited to 108 bytes
	if err != nil {
		return nil, err
	}
	defer func() {
		if p := recover(); p != nil {
			failed, ok := p.(sessionFailed)
			if !ok {
				panic(p)
			}
			if s != nil {
				s.Close()
			} else {
				_ = os.RemoveAll(root)
			}
			s, err = nil, failed.err
		}
	}()
	s = newSessionAt(standalone{}, root)
	s.startBus()
	s.startUnlockedKeyring("adopat-bench-")
	return s, nil
}

// standalone reports outside a test: Fatal unwinds to StartSession (by a
// panic it recovers), Errorf prints.
type standalone struct{}

type sessionFailed struct{ err error }

func (standalone) Helper()           {}
func (standalone) Fatal(args ...any) { panic(sessionFailed{errors.New(fmt.Sprint(args...))}) }
func (standalone) Fatalf(format string, args ...any) {
	panic(sessionFailed{fmt.Errorf(format, args...)})
}
func (standalone) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}
