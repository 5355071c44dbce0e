package fsx

import "os"

// Ops are the file-system calls WriteAtomic and CreateExclusive make at
// the points where a crash, a full disk or a refusing file system decides
// what is left on disk: creating the temp file, writing it, fsyncing it
// (and the directory after the rename or link), renaming it over the
// target, and hard-linking a new file into place. They are a seam for
// tests, which fail each call in turn (ENOSPC on the write, EIO on the
// fsync, EXDEV on the rename or link) and check that the previous content
// survives, and count the fsyncs. Production code never changes them.
type Ops struct {
	CreateTemp func(dir, pattern string) (*os.File, error)
	Write      func(f *os.File, p []byte) (int, error)
	Sync       func(f *os.File) error // a file, or a directory opened for syncing
	Rename     func(oldpath, newpath string) error
	Link       func(oldpath, newpath string) error
}

// DefaultOps are the real calls.
func DefaultOps() Ops {
	return Ops{
		CreateTemp: os.CreateTemp,
		Write:      (*os.File).Write,
		Sync:       (*os.File).Sync,
		Rename:     os.Rename,
		Link:       os.Link,
	}
}

var ops = DefaultOps()

// SetOpsForTest replaces the file-system calls until restore is called.
// Tests only: it is not safe while another goroutine writes a file.
func SetOpsForTest(o Ops) (restore func()) {
	old := ops
	ops = o
	return func() { ops = old }
}
