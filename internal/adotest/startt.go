package adotest

// TB is the part of testing.TB that StartT uses. Taking an interface keeps
// the testing package out of demo binaries that import adotest.
type TB interface {
	Helper()
	TempDir() string
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// StartT starts a stand-in for a test and closes it in t.Cleanup. opts is
// optional (at most one); an empty Dir becomes t.TempDir().
func StartT(t TB, opts ...Options) *Server {
	t.Helper()
	var o Options
	switch len(opts) {
	case 0:
	case 1:
		o = opts[0]
	default:
		t.Fatalf("adotest.StartT: at most one Options, got %d", len(opts))
	}
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s, err := Start(o)
	if err != nil {
		t.Fatalf("adotest.StartT: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}
