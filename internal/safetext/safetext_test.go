package safetext

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"fabrikam/Website", "fabrikam/Website"},
		{"Zürich Ünïcode 日本", "Zürich Ünïcode 日本"},
		{`C:\Users\me\vault.age`, `C:\Users\me\vault.age`},
		{"a\nb\rc\td", `a\nb\rc\td`},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`},
		{"x\u202egnp.exe", `x\u202egnp.exe`},                       // RIGHT-TO-LEFT OVERRIDE
		{"\u2066a\u2069\u200b\ufeff", `\u2066a\u2069\u200b\ufeff`}, // isolates, ZWSP, BOM
		{"\u0085\u009b", `\x85\x9b`},                               // C1 NEL and CSI
		{"\u2028\u2029", `\u2028\u2029`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"\ue000", `\ue000`}, // private use
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func BenchmarkEscapeClean(b *testing.B) {
	for b.Loop() {
		Escape("dev.azure.com/fabrikam/Website/_git/web")
	}
}
