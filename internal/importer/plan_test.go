package importer

import (
	"strings"
	"testing"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/azdo"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// credLine is a Found for line n of ~/.git-credentials holding raw.
func credLine(t *testing.T, n int, raw string) Found {
	t.Helper()
	f := FoundInCredFile("~/.git-credentials", []CredLine{{N: n, Raw: raw, URL: mustURL(t, raw), OK: true}})
	if len(f) != 1 {
		t.Fatalf("%q is no credential", raw)
	}
	return f[0]
}

// remote is a Found for remote.origin.url = raw in a repository at dir.
func remote(t *testing.T, dir, raw string) Found {
	t.Helper()
	f := FoundInRepo(&Repo{Dir: dir, GitDir: dir + "/.git"}, []ConfigEntry{{Key: "remote.origin.url", Value: raw}})
	if len(f) != 1 {
		t.Fatalf("%q is no credential", raw)
	}
	return f[0]
}

func mustURL(t *testing.T, raw string) CredURL {
	t.Helper()
	u, ok := ParseCredURL(raw)
	if !ok {
		t.Fatalf("%q does not parse", raw)
	}
	return u
}

func stored(org, pat string) store.Token {
	tok := store.Token{Org: org}
	tok.SetSecrets(pat, "")
	return tok
}

// verdicts is each decision as "VERDICT scope", in order.
func verdicts(ds []Decision) string {
	var out []string
	for _, d := range ds {
		v := map[Verdict]string{Store: "store", Stored: "stored", Superseded: "superseded", Left: "left"}[d.Verdict]
		if d.Replaces {
			v += "(replaces)"
		}
		out = append(out, v+" "+d.Scope.Scope())
	}
	return strings.Join(out, ", ")
}

func TestPlan(t *testing.T) {
	patA, patB, patC := adotest.NewPAT(), adotest.NewPAT(), adotest.NewPAT()
	server, err := azdo.ParseServer("https://tfs.example.com/tfs")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		founds   func(t *testing.T) []Found
		existing []store.Token
		opts     Options
		want     string
		why      string // in the first Left or Superseded decision's Why
	}{
		{name: "other hosts are none of import's business",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://alice:ghp_x@github.com"), credLine(t, 2, "https://u:"+patA+"@evildev.azure.com")}
			},
			want: ""},
		{name: "one PAT in three places is stored once",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patA+"@dev.azure.com/fabrikam/Web/_git/web"),
					remote(t, "/src/legacy", "https://x:"+patA+"@fabrikam.visualstudio.com/DefaultCollection/Web/_git/web")}
			},
			want: "store fabrikam, stored fabrikam, stored fabrikam"},
		{name: "two lines for one scope: git reads the first, the second is superseded",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), credLine(t, 4, "https://x:"+patB+"@dev.azure.com/fabrikam/Web/_git/web")}
			},
			want: "store fabrikam, superseded fabrikam", why: "line 1, which it reads first"},
		{name: "a URL's different PAT is left: one scope, one PAT",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patB+"@dev.azure.com/fabrikam/Web/_git/web")}
			},
			want: "store fabrikam, left fabrikam", why: "from ~/.git-credentials line 1"},
		{name: "a PAT stored before stays; a different one is left",
			founds: func(t *testing.T) []Found {
				return []Found{remote(t, "/src/web", "https://"+patB+"@dev.azure.com/fabrikam/Web/_git/web"), remote(t, "/src/doc", "https://"+patA+"@dev.azure.com/fabrikam/Doc/_git/doc")}
			},
			existing: []store.Token{stored("Fabrikam", patA)},
			want:     "left fabrikam, stored fabrikam", why: "--replace"},
		{name: "--replace: the first place's PAT replaces the stored one",
			founds: func(t *testing.T) []Found {
				return []Found{remote(t, "/src/web", "https://"+patB+"@dev.azure.com/fabrikam/Web/_git/web"), remote(t, "/src/doc", "https://"+patB+"@dev.azure.com/fabrikam/Doc/_git/doc")}
			},
			existing: []store.Token{stored("fabrikam", patA)}, opts: Options{Replace: true},
			want: "store(replaces) fabrikam, stored fabrikam"},
		{name: "--replace does not override a first place that holds the stored PAT",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patB+"@dev.azure.com/fabrikam/Web/_git/web")}
			},
			existing: []store.Token{stored("fabrikam", patA)}, opts: Options{Replace: true},
			want: "stored fabrikam, left fabrikam", why: "comes first"},
		{name: "no organisation: the same PAT elsewhere tells it",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe%40example.com:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patA+"@dev.azure.com/contoso/Web/_git/web")}
			},
			want: "store contoso, stored contoso"},
		{name: "a user name is not taken for the organisation when the same PAT's path names another",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://x:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patA+"@dev.azure.com/contoso/Web/_git/web")}
			},
			want: "store contoso, stored contoso"},
		{name: "a user name that is the organisation stays",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), remote(t, "/src/web", "https://"+patA+"@dev.azure.com/contoso/Web/_git/web")}
			},
			existing: []store.Token{stored("fabrikam", patA)},
			want:     "stored fabrikam, store contoso"},
		{name: "no organisation: a stored token with the same PAT tells it",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe%40example.com:"+patA+"@dev.azure.com")}
			},
			existing: []store.Token{stored("contoso", patA)},
			want:     "stored contoso"},
		{name: "no organisation: --org",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe%40example.com:"+patA+"@dev.azure.com")}
			},
			opts: Options{Org: "tailspin"},
			want: "store tailspin"},
		{name: "no organisation, nothing to tell it",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe%40example.com:"+patA+"@dev.azure.com")}
			},
			want: "left ", why: "--org ORG"},
		{name: "a user name alone is not taken for the organisation: it may be what was typed at git's prompt",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe:"+patA+"@dev.azure.com")}
			},
			opts: Options{KnownOrgs: []string{"fabrikam"}, ReposSearched: true},
			want: "left ", why: "--org jdoe if jdoe is the organisation"},
		{name: "a user name alone, with no repositories searched to compare with, is taken for the organisation",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com")}
			},
			want: "store fabrikam"},
		{name: "a user name the repositories' URLs name as an organisation is taken",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com")}
			},
			opts: Options{KnownOrgs: []string{"contoso", "Fabrikam"}, ReposSearched: true},
			want: "store fabrikam"},
		{name: "a user name another place names by path is taken",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com"), credLine(t, 2, "https://x:"+patB+"@dev.azure.com/fabrikam")}
			},
			want: "store fabrikam, superseded fabrikam"},
		{name: "a user name alone, and --org",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://jdoe:"+patA+"@dev.azure.com")}
			},
			opts: Options{Org: "fabrikam"},
			want: "store fabrikam"},
		{name: "a secret in neither PAT format but shaped like a generated token is taken, marked for verify",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:0123456789abcdef0123456789abcdef0123456789abcdef0123@dev.azure.com/fabrikam")}
			},
			want: "store fabrikam"},
		{name: "another service's token is not a PAT",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:ghp_0123456789abcdefABCDEF0123456789abcd@dev.azure.com/fabrikam")}
			},
			want: "left fabrikam", why: "--any-format"},
		{name: "a password is not a PAT",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:hunter2@dev.azure.com")}
			},
			want: "left fabrikam", why: "--any-format"},
		{name: "--any-format takes it",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:hunter2@dev.azure.com/fabrikam")}
			},
			opts: Options{AnyFormat: true},
			want: "store fabrikam"},
		{name: "a non-canonical path is refused",
			founds: func(t *testing.T) []Found {
				return []Found{remote(t, "/src/web", "https://"+patA+"@dev.azure.com/fabrikam/%2e%2e/contoso/_git/x")}
			},
			want: "left ", why: "cannot be trusted"},
		{name: "a declared server: host-wide, keyed by user",
			founds: func(t *testing.T) []Found {
				return []Found{remote(t, "/src/tfs", "https://jdoe:"+patC+"@tfs.example.com/tfs/Coll/P/_git/r"), remote(t, "/src/tfs2", "https://"+patC+"@tfs.example.com/tfs/Coll/P/_git/r2")}
			},
			opts: Options{Servers: []azdo.Server{server}},
			want: "store https://jdoe@tfs.example.com, store https://adopat@tfs.example.com"},
		{name: "an unreadable stored token is not compared",
			founds: func(t *testing.T) []Found {
				return []Found{credLine(t, 1, "https://fabrikam:"+patA+"@dev.azure.com")}
			},
			existing: []store.Token{func() store.Token { tok := stored("fabrikam", patA); tok.StripSecrets(); return tok }()},
			want:     "left fabrikam", why: "cannot be read"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds := Plan(c.founds(t), c.existing, c.opts)
			if got := verdicts(ds); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
			for _, d := range ds {
				for _, secret := range []string{patA, patB, patC} {
					if strings.Contains(d.Why, secret) || strings.Contains(d.Where(), secret) {
						t.Errorf("a secret in %q / %q", d.Why, d.Where())
					}
				}
				if c.why != "" && (d.Verdict == Left || d.Verdict == Superseded) {
					if !strings.Contains(d.Why, c.why) {
						t.Errorf("why %q, want it to say %q", d.Why, c.why)
					}
					break
				}
			}
		})
	}
}
