package helper

import (
	"bytes"
	"reflect"
	"testing"
)

// FuzzReadCredential checks that ReadCredential never panics and that
// whatever it accepts either survives WriteCredential and a second read
// unchanged, or is refused by WriteCredential with nothing written.
// The seeds run with every `go test`; fuzz with
//
//	go test -run '^$' -fuzz FuzzReadCredential -fuzztime 30s ./internal/helper/
func FuzzReadCredential(f *testing.F) {
	for _, seed := range []string{
		"",
		"\n",
		"protocol=https\nhost=dev.azure.com\npath=fabrikam/proj/_git/repo\n\n",
		"protocol=https\nhost=example.com:8088\nusername=\npassword=\n",
		"url=https://fabrikam@dev.azure.com/fabrikam/_git/x\n",
		"url=https://u:p%40ss@h:1/a//b/?q#f\n",
		"url=https://@h\nurl=cert:///x\n",
		"url=h\n",
		"url=https://h/%0a\n",
		"wwwauth[]=Basic realm=\"x\"\nwwwauth[]=\nwwwauth[]=Bearer\ncapability[]=authtype\nstate[]=a:b\n",
		"authtype=Bearer\ncredential=tok\nephemeral=1\ncontinue=1\nquit=0\n",
		"password_expiry_utc=9999999999\noauth_refresh_token=xyzzy\n",
		"path=/leading//slashes/\n",
		"no equals\n",
		"password=a\rb\n",
		"password=a\x00b\n",
		"=\n==\n[]=x\n",
		"host=h\r\n\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ReadCredential(bytes.NewReader(in))
		if err != nil {
			if !reflect.DeepEqual(c, Credential{}) {
				t.Fatalf("error %v came with a partial credential %+v", err, c)
			}
			return
		}
		var out bytes.Buffer
		if err := WriteCredential(&out, c); err != nil {
			if out.Len() != 0 {
				t.Fatalf("WriteCredential refused (%v) but wrote %q", err, out.Bytes())
			}
			return
		}
		again, err := ReadCredential(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("re-reading %q: %v", out.Bytes(), err)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip changed the credential\nread   %+v\nreread %+v\nfrom %q", c, again, out.Bytes())
		}
	})
}
