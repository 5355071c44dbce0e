//go:build !windows

package fsx_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// calls records the seam's calls as "op base-name" (temp files as "tmp",
// directories as "dir"), and fails the first call of op fail with errno.
type calls struct {
	dir    string
	target string
	log    []string
}

func (c *calls) name(p string) string {
	switch {
	case p == c.dir:
		return "dir"
	case strings.HasPrefix(filepath.Base(p), "."+filepath.Base(c.target)+".tmp-"):
		return "tmp"
	case p == c.target:
		return "target"
	}
	return p
}

// install replaces the file-system calls with recording ones; fail names
// the one that returns errno instead of acting.
func (c *calls) install(t *testing.T, fail string, errno error) {
	ops := storetest.FailingOps(fail, errno)
	restore := fsx.SetOpsForTest(fsx.Ops{
		CreateTemp: func(dir, pattern string) (*os.File, error) {
			c.log = append(c.log, "createtemp "+c.name(dir))
			return ops.CreateTemp(dir, pattern)
		},
		Write: func(f *os.File, p []byte) (int, error) {
			c.log = append(c.log, "write "+c.name(f.Name()))
			return ops.Write(f, p)
		},
		Sync: func(f *os.File) error {
			c.log = append(c.log, "sync "+c.name(f.Name()))
			return ops.Sync(f)
		},
		Rename: func(o, n string) error {
			c.log = append(c.log, "rename "+c.name(o)+" "+c.name(n))
			return ops.Rename(o, n)
		},
		Link: func(o, n string) error {
			c.log = append(c.log, "link "+c.name(o)+" "+c.name(n))
			return ops.Link(o, n)
		},
	})
	t.Cleanup(restore)
}

func newCalls(t *testing.T, name string) *calls {
	dir := t.TempDir()
	return &calls{dir: dir, target: filepath.Join(dir, name)}
}

// assertUnchanged fails unless path is still the file before was taken
// from, with the same content, and no temp file is left beside it.
func assertUnchanged(t *testing.T, path string, before os.FileInfo, content []byte) {
	t.Helper()
	after, err := os.Lstat(path)
	if err != nil {
		t.Fatalf("%s is gone: %v", path, err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("%s was replaced by another file", path)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, content) {
		t.Errorf("%s changed: %q, want %q", path, got, content)
	}
	assertNoTemps(t, path)
}

func assertNoTemps(t *testing.T, path string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temp file %s left beside %s", e.Name(), filepath.Base(path))
		}
	}
}

// A write that fails at any step before the rename (no space for the temp
// file's data, an fsync error, a rename refused, a directory that cannot
// take a new file) returns an error saying the file is unchanged, and the
// file is the same inode with the same bytes.
func TestWriteAtomicFailureKeepsOldFile(t *testing.T) {
	for _, tc := range []struct {
		op    string
		errno syscall.Errno
	}{
		{"createtemp", syscall.EROFS},
		{"createtemp", syscall.EACCES},
		{"write", syscall.ENOSPC},
		{"write", syscall.EFBIG},
		{"sync", syscall.EIO},
		{"rename", syscall.EXDEV},
	} {
		t.Run(tc.op+"_"+tc.errno.Error(), func(t *testing.T) {
			c := newCalls(t, "vault.age")
			old := []byte("the previous vault")
			if err := fsx.WriteAtomic("vault", c.target, old, true); err != nil {
				t.Fatal(err)
			}
			before, err := os.Lstat(c.target)
			if err != nil {
				t.Fatal(err)
			}
			c.install(t, tc.op, tc.errno)
			err = fsx.WriteAtomic("vault", c.target, []byte("the next vault, never complete"), true)
			if !errors.Is(err, tc.errno) || !strings.Contains(err.Error(), "cannot write vault "+c.target+" (it is unchanged)") {
				t.Errorf("error %v, want one saying the vault is unchanged, wrapping %v", err, tc.errno)
			}
			assertUnchanged(t, c.target, before, old)
		})
	}
}

// A write replaces the file (a new inode: a reader holding the old one
// keeps a whole file), after writing and fsyncing a temp file, and fsyncs
// the directory after the rename, in that order.
func TestWriteAtomicSyncsAndRenames(t *testing.T) {
	c := newCalls(t, "vault.age")
	if err := fsx.WriteAtomic("vault", c.target, []byte("one"), true); err != nil {
		t.Fatal(err)
	}
	before, err := os.Lstat(c.target)
	if err != nil {
		t.Fatal(err)
	}
	c.install(t, "", nil)
	if err := fsx.WriteAtomic("vault", c.target, []byte("two"), true); err != nil {
		t.Fatal(err)
	}
	want := []string{"createtemp dir", "write tmp", "sync tmp", "rename tmp target", "sync dir"}
	if !slices.Equal(c.log, want) {
		t.Errorf("calls %q, want %q", c.log, want)
	}
	after, err := os.Lstat(c.target)
	if err != nil {
		t.Fatal(err)
	}
	if os.SameFile(before, after) {
		t.Error("the write changed the file in place instead of replacing it")
	}
	if got, _ := os.ReadFile(c.target); string(got) != "two" {
		t.Errorf("content %q after the write", got)
	}
	assertNoTemps(t, c.target)
}

// An existing identity is never replaced: CreateExclusive fails on it,
// by link(2) or, where linking fails (another file system, a file system
// without hard links), by the O_EXCL fallback, and the key is the same
// file with the same bytes.
func TestCreateExclusiveNeverReplaces(t *testing.T) {
	for _, linkErr := range []error{nil, syscall.EXDEV, syscall.EPERM} {
		name := "link"
		if linkErr != nil {
			name = "fallback after " + linkErr.Error()
		}
		t.Run(name, func(t *testing.T) {
			c := newCalls(t, "identity.txt")
			key := []byte("AGE-SECRET-KEY-1 the user's key\n")
			if err := os.WriteFile(c.target, key, 0o600); err != nil {
				t.Fatal(err)
			}
			before, err := os.Lstat(c.target)
			if err != nil {
				t.Fatal(err)
			}
			c.install(t, "link", linkErr)
			err = fsx.CreateExclusive("identity", c.target, []byte("AGE-SECRET-KEY-1 a new key\n"))
			if !errors.Is(err, os.ErrExist) && !strings.Contains(err.Error(), "already exists") {
				t.Errorf("CreateExclusive over an existing key: %v", err)
			}
			assertUnchanged(t, c.target, before, key)
			if !slices.Contains(c.log, "link tmp target") {
				t.Errorf("calls %q: link was not tried", c.log)
			}
		})
	}
}

// A new file is created whole: written and fsynced before it is linked
// into place (or, where linking fails, written with O_EXCL and fsynced),
// then the directory is fsynced.
func TestCreateExclusiveSyncs(t *testing.T) {
	for _, tc := range []struct {
		linkErr error
		want    []string
	}{
		{nil, []string{"createtemp dir", "write tmp", "sync tmp", "link tmp target", "sync dir"}},
		{syscall.EXDEV, []string{"createtemp dir", "write tmp", "sync tmp", "link tmp target", "write target", "sync target", "sync dir"}},
	} {
		c := newCalls(t, "identity.txt")
		c.install(t, "link", tc.linkErr)
		key := []byte("AGE-SECRET-KEY-1 new\n")
		if err := fsx.CreateExclusive("identity", c.target, key); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(c.log, tc.want) {
			t.Errorf("link error %v: calls %q, want %q", tc.linkErr, c.log, tc.want)
		}
		if got, _ := os.ReadFile(c.target); !bytes.Equal(got, key) {
			t.Errorf("content %q", got)
		}
		assertNoTemps(t, c.target)
	}
}

// A failed fsync of the new key leaves no key at all (not a partial one).
func TestCreateExclusiveSyncFailureLeavesNothing(t *testing.T) {
	c := newCalls(t, "identity.txt")
	c.install(t, "sync", syscall.EIO)
	if err := fsx.CreateExclusive("identity", c.target, []byte("AGE-SECRET-KEY-1 new\n")); !errors.Is(err, syscall.EIO) {
		t.Errorf("error %v, want EIO", err)
	}
	if _, err := os.Lstat(c.target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a key was left after a failed fsync: %v", err)
	}
	assertNoTemps(t, c.target)
}
