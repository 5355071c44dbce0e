package storetest

import (
	"os"
	"path/filepath"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// FailingOps are fsx's real file-system calls except that every call of
// op fail ("createtemp", "write", "sync", "rename" or "link") returns
// errno, as the kernel would, instead of acting; a failing write first
// writes half of the data, as a full disk does. Install them with
// fsx.SetOpsForTest.
func FailingOps(fail string, errno error) fsx.Ops {
	real := fsx.DefaultOps()
	failing := func(op string) error {
		if op == fail {
			return errno
		}
		return nil
	}
	return fsx.Ops{
		CreateTemp: func(dir, pattern string) (*os.File, error) {
			if err := failing("createtemp"); err != nil {
				return nil, &os.PathError{Op: "open", Path: filepath.Join(dir, pattern), Err: err}
			}
			return real.CreateTemp(dir, pattern)
		},
		Write: func(f *os.File, p []byte) (int, error) {
			if err := failing("write"); err != nil {
				n, _ := real.Write(f, p[:len(p)/2]) // a full disk takes part of it
				return n, &os.PathError{Op: "write", Path: f.Name(), Err: err}
			}
			return real.Write(f, p)
		},
		Sync: func(f *os.File) error {
			if err := failing("sync"); err != nil {
				return &os.PathError{Op: "sync", Path: f.Name(), Err: err}
			}
			return real.Sync(f)
		},
		Rename: func(o, n string) error {
			if err := failing("rename"); err != nil {
				return &os.LinkError{Op: "rename", Old: o, New: n, Err: err}
			}
			return real.Rename(o, n)
		},
		Link: func(o, n string) error {
			if err := failing("link"); err != nil {
				return &os.LinkError{Op: "link", Old: o, New: n, Err: err}
			}
			return real.Link(o, n)
		},
	}
}
