package cli

import (
	"fmt"
	"io"

	"github.com/adopat/git-credential-adopat/internal/safetext"
)

// printf writes a message for a person. Its string, error and Stringer
// arguments are escaped with safetext.Escape: they carry text from outside
// (repository paths git sent, labels and usernames in a vault someone else
// may have written, server hosts and paths, identity names and error text
// from Azure DevOps, file names), and an escape sequence, a newline or a
// bidi override in them must not rewrite the terminal or forge a line.
// The format itself is ours, so its newlines stay. JSON output never goes
// through here: encoding/json escapes it, exactly.
func printf(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, format, escapeArgs(args)...)
}

func escapeArgs(args []any) []any {
	out := make([]any, len(args))
	for i, v := range args {
		switch v := v.(type) {
		case string:
			out[i] = safetext.Escape(v)
		case error:
			out[i] = safetext.Escape(v.Error())
		case fmt.Stringer:
			out[i] = safetext.Escape(v.String())
		default:
			out[i] = v
		}
	}
	return out
}
