package cli

import "os"

// openTerminal opens the console. Its input buffer, CONIN$, can only be
// read: a prompt written to it fails ("The handle is invalid") and never
// shows, so prompts go to the screen buffer, CONOUT$ (Microsoft's
// "Console Handles": CreateFile("CONIN$") and CreateFile("CONOUT$")).
// term.ReadPassword turns echo off on the input handle, which needs read
// and write access to change its mode.
func openTerminal() (*terminal, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, err
	}
	return &terminal{in: in, out: out}, nil
}

// eofKey ends input at a console: Ctrl-Z, then Enter.
const eofKey = "Ctrl-Z, Enter"
