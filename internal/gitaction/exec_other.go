//go:build !unix

package gitaction

import (
	"errors"
	"os"
	"os/exec"
)

func lookPath(name string) (string, error) { return exec.LookPath(name) }

// execManage runs the management binary as a child with this process's
// stdio and returns its exit code (Windows has no exec).
func execManage(path string, args []string) (int, error) {
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), nil
	}
	if err != nil {
		return 0, err
	}
	return 0, nil
}
