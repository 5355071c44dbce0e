package azdo

import "testing"

func TestScopePrivilege(t *testing.T) {
	tests := []struct {
		scopes []string
		want   Privilege
	}{
		{nil, Unknown},
		{[]string{"vso.code"}, ReadOnly},
		{[]string{"vso.code", "vso.packaging"}, ReadOnly},
		{[]string{"vso.code", "vso.code_write"}, Write},
		{[]string{"vso.build_execute"}, Write},
		{[]string{"vso.code_manage"}, Write},
		{[]string{"vso.code_status"}, Write},
		{[]string{"vso.code_full"}, Full},
		{[]string{"vso.code", "app_token"}, Full},
		{[]string{"Full"}, Full},
		{[]string{"bogus"}, Unknown},
		{[]string{"vso.code", "bogus"}, Unknown},
		{[]string{"vso.code_write", "bogus"}, Write},
	}
	for _, tt := range tests {
		if got := ScopePrivilege(tt.scopes); got != tt.want {
			t.Errorf("ScopePrivilege(%q) = %s, want %s", tt.scopes, got, tt.want)
		}
	}
}
