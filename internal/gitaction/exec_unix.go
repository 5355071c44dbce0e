//go:build unix

package gitaction

import (
	"os"
	"os/exec"
	"syscall"
)

func lookPath(name string) (string, error) { return exec.LookPath(name) }

// execManage replaces this process with the management binary: its exit
// code and signals are git's to see directly.
func execManage(path string, args []string) (int, error) {
	return 0, syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
