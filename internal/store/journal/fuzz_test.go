package journal

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

// The usage journal is a file an attacker with write access to the user's
// data directory (or a disk error) can fill with anything.
// Their decoders must return an error, never panic, and whatever they
// accept must survive our own encoder unchanged. Fuzz with `make fuzz`;
// the seeds here and in testdata/fuzz run with every go test.

// FuzzReadUses feeds usage journals. Whatever a line holds, a valid line
// after it must still be read: readUses skips damaged lines, it does not
// stop at them.
func FuzzReadUses(f *testing.F) {
	for _, s := range []string{
		"", "\n", `{"at":"2025-03-01T12:00:00Z","scope":"fabrikam","path":"fabrikam/_git/r"}` + "\n",
		`{"at":"2025-03-01T12:00:00Z","scope":"fab`, `{"scope":""}` + "\n" + `{"at":1}` + "\n",
		"\r\n\x00\xff", `{"at":"2025-03-01T12:00:00+14:00","scope":"https://u@h/p"}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		uses, err := readUses(storetest.WriteFuzzFile(t, dir, raw))
		if err != nil {
			t.Fatalf("readUses: %v", err)
		}
		for _, u := range uses {
			if u.Scope == "" {
				t.Fatalf("use without a scope: %+v", u)
			}
		}
		last := store.Use{At: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Scope: "last"}
		line, _ := json.Marshal(last)
		more, err := readUses(storetest.WriteFuzzFile(t, dir, append(append(raw, '\n'), line...)))
		if err != nil {
			t.Fatalf("readUses: %v", err)
		}
		if len(more) != len(uses)+1 || len(uses) > 0 && !reflect.DeepEqual(more[:len(uses)], uses) || !reflect.DeepEqual(more[len(uses)], last) {
			t.Fatalf("a valid line after %.200q was not read: %+v", raw, more)
		}
	})
}
