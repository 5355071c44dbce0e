package azdo

import "testing"

// BenchmarkClassify is the per-request URL decision, for the three kinds
// of request a helper sees.
func BenchmarkClassify(b *testing.B) {
	server, err := ParseServer("https://tfs.example.com/tfs")
	if err != nil {
		b.Fatal(err)
	}
	servers := []Server{server}
	for _, c := range []struct {
		name string
		r    Request
		want Kind
	}{
		{"dev.azure.com", Request{Protocol: "https", Host: "dev.azure.com", Path: "fabrikam/Project/_git/repo"}, Cloud},
		{"visualstudio.com", Request{Protocol: "https", Host: "fabrikam.visualstudio.com", Path: "DefaultCollection/Project/_git/repo"}, Cloud},
		{"server", Request{Protocol: "https", Host: "tfs.example.com", Path: "tfs/DefaultCollection/Project/_git/repo"}, OnPrem},
		{"other host", Request{Protocol: "https", Host: "github.com", Path: "owner/repo.git"}, None},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if t := Classify(c.r, servers); t.Kind != c.want {
					b.Fatalf("Kind = %v, want %v", t.Kind, c.want)
				}
			}
		})
	}
}
