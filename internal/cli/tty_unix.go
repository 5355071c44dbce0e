//go:build !windows

package cli

import "os"

// openTerminal opens the controlling terminal, for both the prompt and
// the answer.
func openTerminal() (*terminal, error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	return &terminal{in: f, out: f}, nil
}

// eofKey ends input at a terminal.
const eofKey = "Ctrl-D"
