package store

import (
	"errors"
	"testing"
)

func TestDataTokenOperations(t *testing.T) {
	d := NewData()
	if _, replaced := d.Put(Token{Org: "fabrikam", Secret: "a"}); replaced {
		t.Error("Put into an empty store replaced something")
	}
	d.Put(Token{Org: "fabrikam", Project: "Website", Secret: "b"})
	d.Put(Token{Protocol: "https", Host: "tfs.example.com", Username: "jdoe", Secret: "c"})
	old, replaced := d.Put(Token{Org: "FABRIKAM", Secret: "d"})
	if !replaced || old.Secret != "a" || len(d.Tokens) != 3 || d.Tokens[0].Secret != "d" {
		t.Fatalf("Put of the same cloud scope in another case: old %+v, %v; tokens %+v", old, replaced, d.Tokens)
	}
	if _, replaced := d.Put(Token{Protocol: "https", Host: "tfs.example.com", Username: "alice", Secret: "e"}); replaced || len(d.Tokens) != 4 {
		t.Error("a server entry with another username replaced jdoe's")
	}
	for scope, want := range map[string]int{"fabrikam": 0, "Fabrikam/website": 1, "https://jdoe@tfs.example.com": 2, "https://JDOE@tfs.example.com": -1, "contoso": -1} {
		if i, ok := d.Find(scope); i != want || ok != (want >= 0) {
			t.Errorf("Find(%q) = %d, %v; want %d", scope, i, ok, want)
		}
	}
	if !d.Remove("fabrikam/WEBSITE") || d.Remove("fabrikam/Website") || len(d.Tokens) != 3 {
		t.Errorf("Remove: tokens %+v", d.Tokens)
	}
	err := error(&ScopeNotFoundError{Scope: "contoso", Where: "age vault /v"})
	if !errors.Is(err, ErrNotFound) || err.Error() != `no token with scope "contoso" in age vault /v` {
		t.Errorf("ScopeNotFoundError: %v", err)
	}
}
