package main

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// file is one file of an archive or package: its slash-separated path
// below the top directory, its mode and its content. Nothing about it comes
// from the file system it was staged on (owner, time, order), so the
// archives are the same wherever they are built.
type file struct {
	name string
	mode fs.FileMode
	data []byte
}

// entry is one member of an archive: a file or a directory.
type entry struct {
	name string
	dir  bool
	mode fs.FileMode
	data []byte
}

// entries are files below top sorted by name, with every directory they
// need (mode 0755) before them.
func entries(top string, files []file) []entry {
	dirs := map[string]bool{top + "/": true}
	var out []entry
	for _, f := range files {
		name := top + "/" + f.name
		for d := path.Dir(name); d != top && d != "."; d = path.Dir(d) {
			dirs[d+"/"] = true
		}
		out = append(out, entry{name: name, mode: f.mode, data: f.data})
	}
	for d := range dirs {
		out = append(out, entry{name: d, dir: true, mode: 0o755})
	}
	// Sorted by name, as tar --sort=name and the zip tools list them; a
	// directory ("a/") sorts before what it holds ("a/b").
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return out
}

// writeTarGz writes files below top as a gzip-compressed tar: what GNU tar
// --sort=name --mtime=@EPOCH --owner=0 --group=0 --numeric-owner and gzip
// -n -9 make, with the modes given rather than the staged files' (umask).
func writeTarGz(w io.Writer, top string, files []file, mtime time.Time) error {
	// No name and no time in the gzip header, as gzip -n.
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(zw)
	for _, e := range entries(top, files) {
		h := &tar.Header{Name: e.name, Mode: int64(e.mode.Perm()), ModTime: mtime.UTC(), Format: tar.FormatUSTAR}
		if e.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(e.data); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

// writeZip writes files below top as a zip (for Windows, whose Explorer
// opens it without other tools): fixed times in UTC, the Unix modes kept
// for unzip on Unix.
func writeZip(w io.Writer, top string, files []file, mtime time.Time) error {
	zw := zip.NewWriter(w)
	for _, e := range entries(top, files) {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: mtime.UTC()}
		mode := e.mode.Perm()
		if e.dir {
			h.Method = zip.Store
			mode |= fs.ModeDir
		}
		h.SetMode(mode)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := fw.Write(e.data); err != nil {
			return err
		}
	}
	return zw.Close()
}
