package azdo

import "testing"

// The key must be encoded as git encodes the request URL it is matched
// against (credential_format, strbuf_add_percentencode); the e2e tests
// check with the real git that such keys are selected.
func TestCredentialURLEncodesLikeGit(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"https://tfs.example.com", "https://tfs.example.com"},
		{"http://legacy.lan:8080/tfs/DefaultCollection", "http://legacy.lan:8080/tfs/DefaultCollection"},
		{"https://tfs.example.com/My Collection", "https://tfs.example.com/My%20Collection"},
		{"https://tfs.example.com/My%20Collection", "https://tfs.example.com/My%20Collection"},
		{"https://tfs.example.com/R&D", "https://tfs.example.com/R%26D"},
		{"https://tfs.example.com/R%26D", "https://tfs.example.com/R%26D"},
		{`https://tfs.example.com/it's "quoted"`, "https://tfs.example.com/it%27s%20%22quoted%22"},
		{"https://tfs.example.com/100%25", "https://tfs.example.com/100%25"},
		{"https://tfs.example.com/Z%C3%BCrich", "https://tfs.example.com/Z%C3%BCrich"},
		{"https://tfs.example.com/Zürich/a~b_c-d.e", "https://tfs.example.com/Z%C3%BCrich/a~b_c-d.e"},
		{"https://tfs.example.com/C%23 %3F", "https://tfs.example.com/C%23%20%3F"},
		{"https://[::1]:8443/x", "https://[::1]:8443/x"},
	}
	for _, tt := range tests {
		s, err := ParseServer(tt.raw)
		if err != nil {
			t.Errorf("ParseServer(%q): %v", tt.raw, err)
			continue
		}
		if got := s.CredentialURL(); got != tt.want {
			t.Errorf("CredentialURL of %q = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestParseServerRefusesWhatGitWouldReadDifferently(t *testing.T) {
	for _, raw := range []string{
		"https://tfs.example.com/?", "https://tfs.example.com/#", "https://tfs.example.com#",
		"https://:443", "https://tfs.exa\u202emple.com", "https://tfs\x1b.example.com", "https://zürich.example",
		"https://tfs.example.com/a/../b", "https://tfs.example.com/./b", "https://tfs.example.com/a//b",
		"https://tfs.example.com/a%0Ab", "https://tfs.example.com/a%1Bb", "https://tfs.example.com/100%",
	} {
		if s, err := ParseServer(raw); err == nil {
			t.Errorf("ParseServer(%q) = %+v, want an error", raw, s)
		}
	}
}
