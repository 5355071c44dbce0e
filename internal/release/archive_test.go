package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"
)

var testFiles = []file{
	{"b/z.txt", 0o644, []byte("z")},
	{"tool", 0o755, []byte("#!/bin/sh\n")},
	{"a.txt", 0o600, []byte("a")}, // a mode is kept as given, 0600 too
	{"b/a/deep", 0o644, nil},
}

var testTime = time.Date(2026, 11, 30, 15, 51, 7, 0, time.UTC)

// The same files give the same bytes, whatever order they come in; the
// members are sorted, each directory before what it holds, with the given
// modes, owner 0 and the given time.
func TestTarGzIsDeterministic(t *testing.T) {
	var one, two bytes.Buffer
	if err := writeTarGz(&one, "top", testFiles, testTime); err != nil {
		t.Fatal(err)
	}
	reversed := []file{testFiles[3], testFiles[2], testFiles[1], testFiles[0]}
	if err := writeTarGz(&two, "top", reversed, testTime.In(time.FixedZone("x", 3600))); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Fatal("the same files in another order (or zone) give another archive")
	}
	// gzip -n: no name and no time in the gzip header.
	zr, err := gzip.NewReader(bytes.NewReader(one.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header: name %q, time %v; want neither", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var got []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, h.Name+" "+fsMode(h.Mode))
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" || !h.ModTime.Equal(testTime) {
			t.Errorf("%s: owner %d/%d %q/%q, time %v; want 0/0, no names, %v", h.Name, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime, testTime)
		}
	}
	want := []string{"top/ 0755", "top/a.txt 0600", "top/b/ 0755", "top/b/a/ 0755", "top/b/a/deep 0644", "top/b/z.txt 0644", "top/tool 0755"}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n%q\nwant\n%q", got, want)
	}
}

func TestZipIsDeterministic(t *testing.T) {
	var one, two bytes.Buffer
	if err := writeZip(&one, "top", testFiles, testTime); err != nil {
		t.Fatal(err)
	}
	if err := writeZip(&two, "top", []file{testFiles[2], testFiles[0], testFiles[3], testFiles[1]}, testTime); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(one.Bytes(), two.Bytes()) {
		t.Fatal("the same files in another order give another archive")
	}
	zr, err := zip.NewReader(bytes.NewReader(one.Bytes()), int64(one.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name+" "+fsMode(int64(f.Mode().Perm())))
		if !f.Modified.Equal(testTime) {
			t.Errorf("%s: time %v, want %v", f.Name, f.Modified, testTime)
		}
	}
	want := []string{"top/ 0755", "top/a.txt 0600", "top/b/ 0755", "top/b/a/ 0755", "top/b/a/deep 0644", "top/b/z.txt 0644", "top/tool 0755"}
	if !slices.Equal(got, want) {
		t.Errorf("members:\n%q\nwant\n%q", got, want)
	}
}

func fsMode(m int64) string { return fmt.Sprintf("%04o", m&0o777) }
