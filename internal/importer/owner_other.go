//go:build !unix

package importer

import (
	"io/fs"
	"os"
)

// keepOwner: files have no Unix owner here; the new file inherits the
// directory's ACL as the old one did.
func keepOwner(*os.File, fs.FileInfo) {}

// keepOwnerPath: see keepOwner.
func keepOwnerPath(string, fs.FileInfo) {}
