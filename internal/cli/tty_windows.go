package cli

import "os"

// openTerminal opens the console input; prompts go to the console too.
func openTerminal() (*os.File, error) { return os.OpenFile("CONIN$", os.O_RDWR, 0) }
