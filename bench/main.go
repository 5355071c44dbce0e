// Command bench times whole git-credential-adopat processes against git's
// own helpers, interleaved in one run, and prints the medians and the
// ratios issue 11 sets targets for (see bench/RESULTS.md). `make bench`
// runs it after the Go benchmarks:
//
//	go run ./bench [-bin bin/git-credential-adopat] [-n 300] [-tokens 1000]
//
// Every command is started directly (os/exec, stdin from a file, no
// shell), in a random order of all the runs of all the commands, so that
// drift in the machine's load falls on each alike. Each run gets its own
// HOME, GIT_CONFIG_NOSYSTEM=1, GIT_CONFIG_GLOBAL, XDG_* and a proxy on
// 127.0.0.1:1, so nothing reaches the network or the host's session; the
// Secret Service rows use a private gnome-keyring on a private D-Bus.
// git-credential-libsecret is built from the contrib sources Debian's git
// package ships (needs libsecret-1-dev).
//
// When hyperfine is installed and can feed stdin from a file (--input,
// hyperfine 1.16+), the 1-token pair is timed with `hyperfine -N` too.
package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adopat/git-credential-adopat/internal/keyringtest"
)

var (
	binFlag      = flag.String("bin", "", "git-credential-adopat binary to time (default: build ./cmd/git-credential-adopat as `make build` does)")
	runsFlag     = flag.Int("n", 300, "timed runs of each command")
	passRuns     = flag.Int("n-passphrase", 15, "timed runs of the passphrase-mode get (each pays the scrypt KDF)")
	warmupFlag   = flag.Int("warmup", 10, "untimed runs of each command first")
	tokensFlag   = flag.Int("tokens", 1000, "tokens in the large vault")
	seedFlag     = flag.Uint64("seed", 0, "seed of the run order (0: random)")
	libsecretSrc = flag.String("libsecret-src", "/usr/share/doc/git/contrib/credential/libsecret", "git's contrib/credential/libsecret sources")
	rssRuns      = flag.Int("n-rss", 20, "untimed runs of each command under GNU time for its peak RSS (0: none)")
	gnuTimeFlag  = flag.String("time", "/usr/bin/time", "GNU time, for the peak RSS")
	keepFlag     = flag.Bool("keep", false, "keep the temporary directory")
)

// target is one row of the table: a ratio of medians that must
// stay at or below max.
type target struct {
	what     string
	num, den string // scenario names
	max      float64
}

var targets = []target{
	{"get, age vault, 1 token / git credential-store get", "adopat-get-vault-1", "credential-store-get", 1.3},
	{"get, age vault, 1,000 tokens / the same at 1 token", "adopat-get-vault-1000", "adopat-get-vault-1", 1.3},
	{"get via Secret Service / git-credential-libsecret get", "adopat-get-keyring", "libsecret-get", 0.45},
	{"git credential fill: adopat installed / credential.helper=store", "fill-adopat", "fill-store", 1.1},
}

const rssTarget = 10 << 20 // peak RSS of get

// floorRatios put the get beside what no Go helper reading an age vault
// can go below (bench/floor): where a target is missed, they show whether
// the time is adopat's own or the floor's.
var floorRatios = []target{
	{what: "empty Go program / git credential-store get", num: "floor-go-empty", den: "credential-store-get"},
	{what: "age floor (identity, decrypt, one token) / git credential-store get", num: "floor-age-get", den: "credential-store-get"},
	{what: "get, age vault, 1 token / age floor", num: "adopat-get-vault-1", den: "floor-age-get"},
}

func main() {
	flag.Parse()
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type harness struct {
	root    string
	bin     string            // the adopat binary, in root/bin
	floors  map[string]string // bench/floor programs: name -> binary
	git     string
	devnull *os.File
	pats    map[string]string // org -> PAT
}

func run() error {
	root, err := os.MkdirTemp("", "adb-")
	if err != nil {
		return err
	}
	cleanups := []func(){}
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
		cleanups = nil
	}
	defer cleanup()
	if *keepFlag {
		fmt.Println("temporary directory:", root)
	} else {
		cleanups = append(cleanups, func() { os.RemoveAll(root) })
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		cleanup()
		os.Exit(130)
	}()

	h := &harness{root: root, pats: map[string]string{}}
	if h.devnull, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0); err != nil {
		return err
	}
	if h.git, err = exec.LookPath("git"); err != nil {
		return err
	}
	if err := h.prepareBinary(); err != nil {
		return err
	}
	printMachine(h)

	var scenarios []*scenario
	add := func(s ...*scenario) { scenarios = append(scenarios, s...) }

	fmt.Println("setting up …")
	s, err := h.vaultScenarios()
	if err != nil {
		return err
	}
	add(s...)
	if s, err = h.largeVaultScenarios(); err != nil {
		return err
	}
	add(s...)
	if s, err = h.passphraseScenario(); err != nil {
		return err
	}
	add(s...)
	if s, err = h.baselineScenario(scenarios); err != nil {
		return err
	}
	add(s...)
	if s, err = h.sourceScenarios(); err != nil {
		return err
	}
	add(s...)
	ks, s, err := h.keyringScenarios()
	if ks != nil {
		cleanups = append(cleanups, ks.Close)
	}
	if err != nil {
		fmt.Printf("skipped the Secret Service pair: %v\n", err)
	} else {
		add(s...)
	}

	for _, sc := range scenarios {
		if err := sc.check(h); err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
	}
	if err := measure(h, scenarios); err != nil {
		return err
	}
	report(scenarios)
	return hyperfine(h, scenarios)
}

// prepareBinary builds both binaries (or copies -bin and the
// git-credential-adopat-manage beside it) to root/bin, which is put first
// on PATH so that `install`'s helper "adopat" finds it. The thin binary
// answers get and store; every other command runs the manage binary
// beside it, so both must be there.
func (h *harness) prepareBinary() error {
	dir := filepath.Join(h.root, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	exe := ""
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	h.bin = filepath.Join(dir, "git-credential-adopat"+exe)
	for _, name := range []string{"git-credential-adopat", "git-credential-adopat-manage"} {
		dst := filepath.Join(dir, name+exe)
		if *binFlag != "" {
			if err := copyFile(filepath.Join(filepath.Dir(*binFlag), name+exe), dst, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := goBuild(dst, "./cmd/"+name); err != nil {
			return err
		}
	}
	// The floors are always built here, the way `make build` builds adopat.
	h.floors = map[string]string{}
	for _, name := range []string{"empty", "agefloor"} {
		h.floors[name] = filepath.Join(h.root, "floor", name+exe)
		if err := goBuild(h.floors[name], "./bench/floor/"+name); err != nil {
			return err
		}
	}
	return nil
}

// goBuild builds pkg to dst as `make build` does (no cgo, -trimpath,
// stripped).
func goBuild(dst, pkg string) error {
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", dst, pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building %s: %w", pkg, err)
	}
	return nil
}

// home is one HOME with its own git and XDG configuration.
type home struct {
	dir string
	env []string
}

func (h *harness) newHome(name string, extra ...string) (*home, error) {
	dir := filepath.Join(h.root, name)
	run := filepath.Join(dir, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		return nil, err
	}
	return h.homeAt(dir, run, extra...), nil
}

func (h *harness) homeAt(dir, runtimeDir string, extra ...string) *home {
	env := []string{
		"PATH=" + filepath.Dir(h.bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
		"HOME=" + dir,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + filepath.Join(dir, ".gitconfig"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, ".local", "share"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, ".cache"),
		"XDG_RUNTIME_DIR=" + runtimeDir,
		"HTTPS_PROXY=http://127.0.0.1:1", "https_proxy=http://127.0.0.1:1",
		"HTTP_PROXY=http://127.0.0.1:1", "http_proxy=http://127.0.0.1:1",
		"NO_PROXY=", "no_proxy=",
		"GIT_TERMINAL_PROMPT=0",
		"LANG=C.UTF-8", "TZ=UTC",
	}
	return &home{dir: dir, env: append(env, extra...)}
}

func (hm *home) vaultPath() string {
	return filepath.Join(hm.dir, ".local", "share", "adopat", "vault.age")
}

// scenario is one command timed: argv started directly with stdin from a
// file, in env.
type scenario struct {
	name  string
	argv  []string
	env   []string
	stdin string
	runs  int
	// prepare, when set, runs before each run, untimed.
	prepare func() error
	// want checks one captured run (stdout, stderr) before timing.
	want func(stdout, stderr string) error
	// after, when set, checks the state after every run (e.g. the vault's
	// mtime is unchanged) and returns a note for the report.
	after func() (note string, err error)
	note  string

	times []time.Duration
	rss   []int64
}

func (sc *scenario) command() *exec.Cmd {
	cmd := exec.Command(sc.argv[0], sc.argv[1:]...)
	cmd.Env = sc.env
	return cmd
}

// prepareStdin runs the scenario's prepare step, if any, and opens its
// stdin for one run.
func (sc *scenario) prepareStdin() (*os.File, error) {
	if sc.prepare != nil {
		if err := sc.prepare(); err != nil {
			return nil, err
		}
	}
	return os.Open(sc.stdin)
}

// check runs the command once, capturing its output, and applies want.
func (sc *scenario) check(h *harness) error {
	cmd := sc.command()
	in, err := sc.prepareStdin()
	if err != nil {
		return err
	}
	defer in.Close()
	var out, errOut bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, &out, &errOut
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%v: %w: %s", sc.argv, err, errOut.String())
	}
	return sc.want(out.String(), errOut.String())
}

// once is one timed run: from just before the start to the end of Wait.
func (sc *scenario) once(h *harness) error {
	in, err := sc.prepareStdin()
	if err != nil {
		return err
	}
	defer in.Close()
	cmd := sc.command()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, h.devnull, h.devnull
	start := time.Now()
	err = cmd.Run()
	d := time.Since(start)
	if err != nil {
		return fmt.Errorf("%s: %w", sc.name, err)
	}
	sc.times = append(sc.times, d)
	return nil
}

// peakRSS is one untimed run under GNU time, which forks and execs the
// command and reports its ru_maxrss. Not os/exec's own
// ProcessState.SysUsage: Go starts children with CLONE_VM|CLONE_VFORK, and
// Linux carries the high-water RSS of the memory a process had before
// exec (here the harness's) into its ru_maxrss, so every command would
// read at least the harness's size.
func (sc *scenario) peakRSS(h *harness, gnuTime string) error {
	in, err := sc.prepareStdin()
	if err != nil {
		return err
	}
	defer in.Close()
	out := filepath.Join(h.root, "rss")
	cmd := exec.Command(gnuTime, append([]string{"-f", "%M", "-o", out}, sc.argv...)...)
	cmd.Env = sc.env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = in, h.devnull, h.devnull
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s under %s: %w", sc.name, gnuTime, err)
	}
	kib, err := strconv.ParseInt(strings.TrimSpace(mustRead(out)), 10, 64)
	if err != nil {
		return fmt.Errorf("%s: GNU time's output: %w", sc.name, err)
	}
	sc.rss = append(sc.rss, kib<<10)
	return nil
}

func answers(pat string) func(string, string) error {
	return func(stdout, stderr string) error {
		if !strings.Contains(stdout, "password="+pat+"\n") {
			return fmt.Errorf("no answer with the stored PAT (stdout %q, stderr %q)", stdout, stderr)
		}
		return nil
	}
}

func silent(stdout, stderr string) error {
	if stdout != "" || stderr != "" {
		return fmt.Errorf("want no output, got stdout %q, stderr %q", stdout, stderr)
	}
	return nil
}

// newPAT is a random 52-character PAT, the length Azure DevOps issued.
func newPAT() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
	b := make([]byte, 52)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func org(i int) string { return fmt.Sprintf("org%04d", i) }

// request writes git's get request for org's repository and returns the
// file; with password set it is a store or erase request.
func (h *harness) request(name, org, password string) (string, error) {
	text := "protocol=https\nhost=dev.azure.com\npath=" + org + "/proj/_git/repo\n"
	if password != "" {
		text += "username=adopat\npassword=" + password + "\n"
	}
	p := filepath.Join(h.root, "req-"+name)
	return p, os.WriteFile(p, []byte(text+"\n"), 0o600)
}

// exec runs a setup command, with stdin, failing on any error.
func (h *harness) exec(env []string, stdin string, argv ...string) (string, error) {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s: %w: %s%s", strings.Join(argv, " "), err, out.String(), errOut.String())
	}
	return out.String(), nil
}

// addTokens adds orgs first..last-1 to hm's store with `add --no-verify`.
func (h *harness) addTokens(hm *home, first, last int, env ...string) error {
	for i := first; i < last; i++ {
		o := org(i)
		pat, ok := h.pats[o]
		if !ok {
			pat = newPAT()
			h.pats[o] = pat
		}
		if _, err := h.exec(append(slices.Clone(hm.env), env...), pat, h.bin, "add", "--org", o, "--no-verify"); err != nil {
			return err
		}
	}
	return nil
}

// vaultScenarios: get at 1 token against git credential-store, and git
// credential fill with adopat installed against credential.helper=store.
func (h *harness) vaultScenarios() ([]*scenario, error) {
	v1, err := h.newHome("vault1")
	if err != nil {
		return nil, err
	}
	if err := h.addTokens(v1, 0, 1, "ADOPAT_BACKEND=file"); err != nil {
		return nil, err
	}
	if _, err := h.exec(v1.env, "", h.bin, "install"); err != nil {
		return nil, err
	}
	// install writes the binary's absolute path, except for a binary in a
	// temporary directory such as this harness's (it would not last), where
	// it writes the plain name and git runs `git credential-adopat`. Time
	// what an installed binary gets: its absolute path.
	if _, err := h.exec(v1.env, "", "git", "config", "--global", "--replace-all",
		"credential.https://dev.azure.com.helper", h.bin, "^adopat$"); err != nil {
		return nil, err
	}
	pat := h.pats[org(0)]
	req, err := h.request("org0", org(0), "")
	if err != nil {
		return nil, err
	}

	st, err := h.newHome("store")
	if err != nil {
		return nil, err
	}
	credFile := filepath.Join(st.dir, ".git-credentials")
	reqText, _ := os.ReadFile(req)
	storeIn := strings.TrimSuffix(string(reqText), "\n") + "username=adopat\npassword=" + pat + "\n\n"
	if _, err := h.exec(st.env, storeIn, h.git, "credential-store", "--file", credFile, "store"); err != nil {
		return nil, err
	}
	if _, err := h.exec(st.env, "", h.git, "config", "--global", "credential.helper", "store"); err != nil {
		return nil, err
	}
	fill := filepath.Join(h.root, "req-fill")
	if err := os.WriteFile(fill, []byte("url=https://dev.azure.com/"+org(0)+"/proj/_git/repo\n\n"), 0o600); err != nil {
		return nil, err
	}
	return []*scenario{
		{name: "adopat-get-vault-1", argv: []string{h.bin, "get"}, env: v1.env, stdin: req, want: answers(pat)},
		{name: "credential-store-get", argv: []string{h.git, "credential-store", "--file", credFile, "get"}, env: st.env, stdin: req, want: answers(pat)},
		{name: "fill-adopat", argv: []string{h.git, "credential", "fill"}, env: v1.env, stdin: fill, want: answers(pat)},
		{name: "fill-store", argv: []string{h.git, "credential", "fill"}, env: st.env, stdin: fill, want: answers(pat)},
		// The floors (bench/floor): an empty Go program, and the least a
		// get from this vault must do (identity, decrypt, one token).
		{name: "floor-go-empty", argv: []string{h.floors["empty"]}, env: v1.env, stdin: req, want: func(string, string) error { return nil }},
		{name: "floor-age-get", argv: []string{h.floors["agefloor"], filepath.Join(filepath.Dir(v1.vaultPath()), "identity.txt"), v1.vaultPath(), org(0)},
			env: v1.env, stdin: req, want: answers(pat)},
	}, nil
}

// largeVaultScenarios: get, store (new and unchanged) and erase at
// -tokens tokens. The writing ones each have a copy of the vault.
func (h *harness) largeVaultScenarios() ([]*scenario, error) {
	n := *tokensFlag
	big, err := h.newHome("vaultN")
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := h.addTokens(big, 0, n, "ADOPAT_BACKEND=file"); err != nil {
		return nil, err
	}
	fmt.Printf("  %d tokens added with `add --no-verify` in %s\n", n, time.Since(start).Round(time.Millisecond))
	last := org(n - 1)
	getReq, err := h.request("last", last, "")
	if err != nil {
		return nil, err
	}
	mid := org(n / 2)
	sameReq, err := h.request("same", mid, h.pats[mid])
	if err != nil {
		return nil, err
	}
	newPATValue := newPAT()
	newReq, err := h.request("new", "neworg", newPATValue)
	if err != nil {
		return nil, err
	}

	copyHome := func(name string) (*home, error) {
		hm, err := h.newHome(name)
		if err != nil {
			return nil, err
		}
		src := filepath.Dir(big.vaultPath())
		return hm, copyDir(src, filepath.Dir(hm.vaultPath()))
	}
	storeNew, err := copyHome("storenew")
	if err != nil {
		return nil, err
	}
	pristine := filepath.Join(h.root, "vaultN.pristine")
	if err := copyFile(storeNew.vaultPath(), pristine, 0o600); err != nil {
		return nil, err
	}
	storeSame, err := copyHome("storesame")
	if err != nil {
		return nil, err
	}
	erase, err := copyHome("erase")
	if err != nil {
		return nil, err
	}
	getNew, err := h.request("getnew", "neworg", "")
	if err != nil {
		return nil, err
	}

	sameStamp, err := stamp(storeSame.vaultPath())
	if err != nil {
		return nil, err
	}
	eraseStamp, err := stamp(erase.vaultPath())
	if err != nil {
		return nil, err
	}
	unchanged := func(path string, before fileStamp, what string) func() (string, error) {
		return func() (string, error) {
			after, err := stamp(path)
			if err != nil {
				return "", err
			}
			if after != before {
				return "", fmt.Errorf("%s rewrote the vault (mtime %s -> %s)", what, before, after)
			}
			return "vault mtime, size and inode unchanged after every run", nil
		}
	}
	return []*scenario{
		{name: fmt.Sprintf("adopat-get-vault-%d", n), argv: []string{h.bin, "get"}, env: big.env, stdin: getReq, want: answers(h.pats[last])},
		{name: fmt.Sprintf("adopat-store-new-%d", n), argv: []string{h.bin, "store"}, env: storeNew.env, stdin: newReq, want: silent,
			// Each run stores the token anew: the vault is put back first.
			prepare: func() error { return replaceFile(pristine, storeNew.vaultPath()) },
			after: func() (string, error) {
				out, err := h.exec(storeNew.env, mustRead(getNew), h.bin, "get")
				if err != nil {
					return "", err
				}
				if err := answers(newPATValue)(out, ""); err != nil {
					return "", fmt.Errorf("after store: %w", err)
				}
				return fmt.Sprintf("vault reset to %d tokens before each run (untimed); the new token is answered after", n), nil
			}},
		{name: fmt.Sprintf("adopat-store-unchanged-%d", n), argv: []string{h.bin, "store"}, env: storeSame.env, stdin: sameReq, want: silent,
			after: unchanged(storeSame.vaultPath(), sameStamp, "an unchanged store")},
		{name: fmt.Sprintf("adopat-erase-%d", n), argv: []string{h.bin, "erase"}, env: erase.env, stdin: sameReq,
			want: func(string, string) error { return nil },
			after: func() (string, error) {
				note, err := unchanged(erase.vaultPath(), eraseStamp, "erase")()
				if err != nil {
					return "", err
				}
				return "Azure DevOps unreachable (proxy 127.0.0.1:1), so nothing is withdrawn; " + note, nil
			}},
	}, nil
}

// passphraseScenario: get with a passphrase-protected identity opened
// with ADOPAT_PASSPHRASE_FILE, which pays age's scrypt on every run.
func (h *harness) passphraseScenario() ([]*scenario, error) {
	hm, err := h.newHome("pass1")
	if err != nil {
		return nil, err
	}
	passFile := filepath.Join(hm.dir, "passphrase")
	if err := os.WriteFile(passFile, []byte(newPAT()+"\n"), 0o600); err != nil {
		return nil, err
	}
	hm.env = append(hm.env, "ADOPAT_PASSPHRASE_FILE="+passFile)
	if err := h.addTokens(hm, 0, 1, "ADOPAT_BACKEND=file"); err != nil {
		return nil, err
	}
	id, err := os.ReadFile(filepath.Join(filepath.Dir(hm.vaultPath()), "identity.txt"))
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(id, []byte("age-encryption.org/")) {
		return nil, errors.New("the passphrase home's identity is not passphrase-protected")
	}
	req, _ := h.request("org0", org(0), "")
	return []*scenario{{name: "adopat-get-passphrase-1", argv: []string{h.bin, "get"}, env: hm.env, stdin: req,
		want: answers(h.pats[org(0)]), runs: *passRuns}}, nil
}

// keyringScenarios: adopat's keyring backend and git-credential-libsecret,
// one token each, in a private gnome-keyring.
func (h *harness) keyringScenarios() (*keyringtest.Session, []*scenario, error) {
	libsecret, err := h.buildLibsecret()
	if err != nil {
		return nil, nil, err
	}
	if runtime.GOOS != "linux" {
		return nil, nil, errors.New("the Secret Service comparison runs on Linux only (this is " + runtime.GOOS + ")")
	}
	ks, err := keyringtest.StartSession()
	if err != nil {
		return nil, nil, err
	}
	hm := h.homeAt(ks.Home, ks.RuntimeDir, "DBUS_SESSION_BUS_ADDRESS="+ks.Addr)
	if err := h.addTokens(hm, 0, 1, "ADOPAT_BACKEND=keyring"); err != nil {
		return ks, nil, err
	}
	pat := h.pats[org(0)]
	req, _ := h.request("org0", org(0), "")
	storeIn := strings.TrimSuffix(mustRead(req), "\n") + "username=adopat\npassword=" + pat + "\n\n"
	if _, err := h.exec(hm.env, storeIn, libsecret, "store"); err != nil {
		return ks, nil, err
	}
	return ks, []*scenario{
		{name: "adopat-get-keyring", argv: []string{h.bin, "get"}, env: hm.env, stdin: req, want: answers(pat)},
		{name: "libsecret-get", argv: []string{libsecret, "get"}, env: hm.env, stdin: req, want: answers(pat)},
	}, nil
}

// buildLibsecret builds git-credential-libsecret from a copy of git's
// contrib sources (Debian ships them with git, maybe gzipped).
func (h *harness) buildLibsecret() (string, error) {
	dir := filepath.Join(h.root, "libsecret")
	if err := copyDir(*libsecretSrc, dir); err != nil {
		return "", fmt.Errorf("git's contrib/credential/libsecret: %w", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".gz") {
			if _, err := h.exec(os.Environ(), "", "gzip", "-df", filepath.Join(dir, e.Name())); err != nil {
				return "", err
			}
		}
	}
	if _, err := h.exec(os.Environ(), "", "make", "-C", dir); err != nil {
		return "", fmt.Errorf("building git-credential-libsecret (apt-get install -y libsecret-1-dev): %w", err)
	}
	return filepath.Join(dir, "git-credential-libsecret"), nil
}

// measure runs each scenario's warm-up, then every timed run of every
// scenario in one shuffled order.
func measure(h *harness, scenarios []*scenario) error {
	var order []*scenario
	for _, sc := range scenarios {
		if sc.runs == 0 {
			sc.runs = *runsFlag
		}
		for range min(*warmupFlag, sc.runs) {
			if err := sc.once(h); err != nil {
				return err
			}
		}
		sc.times = nil
		for range sc.runs {
			order = append(order, sc)
		}
	}
	seed := *seedFlag
	if seed == 0 {
		seed = mrand.Uint64()
	}
	r := mrand.New(mrand.NewPCG(seed, seed))
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	fmt.Printf("timing %d runs in random order (seed %d) …\n", len(order), seed)
	start := time.Now()
	for _, sc := range order {
		if err := sc.once(h); err != nil {
			return err
		}
	}
	fmt.Printf("  done in %s; load average now %s\n", time.Since(start).Round(time.Second), loadavg())
	if err := measureRSS(h, scenarios); err != nil {
		return err
	}
	for _, sc := range scenarios {
		if sc.after != nil {
			note, err := sc.after()
			if err != nil {
				return fmt.Errorf("%s: %w", sc.name, err)
			}
			sc.note = note
		}
	}
	return nil
}

// measureRSS runs every scenario -n-rss times under GNU time, after the
// timed runs (the passphrase get a third as often: each costs a second).
func measureRSS(h *harness, scenarios []*scenario) error {
	if *rssRuns == 0 {
		return nil
	}
	gnuTime, err := exec.LookPath(*gnuTimeFlag)
	if err == nil {
		err = exec.Command(gnuTime, "-f", "%M", "-o", os.DevNull, "true").Run()
	}
	if err != nil {
		fmt.Printf("peak RSS not measured: GNU time (%s) is needed (apt-get install -y time): %v\n", *gnuTimeFlag, err)
		return nil
	}
	for _, sc := range scenarios {
		n := *rssRuns
		if sc.runs < *runsFlag {
			n = max(1, min(n, sc.runs/3))
		}
		for range n {
			if err := sc.peakRSS(h, gnuTime); err != nil {
				return err
			}
		}
	}
	return nil
}

func quantile(d []time.Duration, q float64) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	// nearest rank
	i := int(q*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/float64(time.Millisecond)) }

func mib(b int64) string {
	if b == 0 {
		return "?"
	}
	return fmt.Sprintf("%.1f", float64(b)/(1<<20))
}

func report(scenarios []*scenario) {
	byName := map[string]*scenario{}
	fmt.Println()
	fmt.Println("| command | runs | median ms | p90 ms | min ms | peak RSS MiB (max, GNU time) |")
	fmt.Println("|---|---:|---:|---:|---:|---:|")
	for _, sc := range scenarios {
		byName[sc.name] = sc
		fmt.Printf("| %s | %d | %s | %s | %s | %s |\n", sc.name, len(sc.times),
			ms(quantile(sc.times, 0.5)), ms(quantile(sc.times, 0.9)), ms(quantile(sc.times, 0)), mib(maxOf(sc.rss)))
	}
	fmt.Println()
	fmt.Println("| ratio of medians | value | target | |")
	fmt.Println("|---|---:|---:|---|")
	for _, t := range targets {
		a, b := byName[t.num], byName[t.den]
		if t.num == "adopat-get-vault-1000" {
			a = byName[fmt.Sprintf("adopat-get-vault-%d", *tokensFlag)]
		}
		if a == nil || b == nil {
			fmt.Printf("| %s | – | ≤ %.2f | not measured |\n", t.what, t.max)
			continue
		}
		r := float64(quantile(a.times, 0.5)) / float64(quantile(b.times, 0.5))
		fmt.Printf("| %s | %.2f | ≤ %.2f | %s |\n", t.what, r, t.max, verdict(r <= t.max))
	}
	if g := byName["adopat-get-vault-1"]; g != nil {
		peak := maxOf(g.rss)
		fmt.Printf("| peak RSS of get (age vault, 1 token), max of %d runs under GNU time | %s MiB | ≤ %s MiB | %s |\n",
			len(g.rss), mib(peak), mib(rssTarget), verdict(peak > 0 && peak <= rssTarget))
	}
	for _, r := range []struct{ what, num, den string }{
		{"get, age vault, 1 token / the same with -baseline", "adopat-get-vault-1", "baseline-get-vault-1"},
		{"get of a token source, answered from its cache / get of a PAT, age vault, 1 token", "adopat-get-source-cached", "adopat-get-vault-1"},
		{"get of a token source that mints (management binary, az) / get of a PAT", "adopat-get-source-mint", "adopat-get-vault-1"},
	} {
		if a, b := byName[r.num], byName[r.den]; a != nil && b != nil {
			fmt.Printf("| %s | %.2f | – | |\n", r.what, float64(quantile(a.times, 0.5))/float64(quantile(b.times, 0.5)))
		}
	}
	fmt.Println()
	fmt.Println("| floors: ratio of medians (not targets) | value |")
	fmt.Println("|---|---:|")
	for _, f := range floorRatios {
		if a, b := byName[f.num], byName[f.den]; a != nil && b != nil {
			fmt.Printf("| %s | %.2f |\n", f.what, float64(quantile(a.times, 0.5))/float64(quantile(b.times, 0.5)))
		}
	}
	if fa, fs, g, st := byName["fill-adopat"], byName["fill-store"], byName["adopat-get-vault-1"], byName["credential-store-get"]; fa != nil && fs != nil && g != nil && st != nil {
		fmt.Printf("git credential fill, adopat minus store: %s ms; get minus credential-store get: %s ms (what git does around the helper is the same for both)\n",
			ms(quantile(fa.times, 0.5)-quantile(fs.times, 0.5)), ms(quantile(g.times, 0.5)-quantile(st.times, 0.5)))
	}
	fmt.Println()
	if p, g := byName["adopat-get-passphrase-1"], byName["adopat-get-vault-1"]; p != nil && g != nil {
		kdf := quantile(p.times, 0.5) - quantile(g.times, 0.5)
		fmt.Printf("passphrase-mode get: median %s ms, of which the KDF (age scrypt, opening the identity with ADOPAT_PASSPHRASE_FILE) ≈ %s ms (its median minus the plain 1-token get's)\n",
			ms(quantile(p.times, 0.5)), ms(kdf))
	}
	for _, sc := range scenarios {
		if sc.note != "" {
			fmt.Printf("%s: %s\n", sc.name, sc.note)
		}
	}
}

func maxOf(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	return slices.Max(v)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// hyperfine times the 1-token pair again with `hyperfine -N`, when it is
// installed and can give the commands stdin from a file.
func hyperfine(h *harness, scenarios []*scenario) error {
	path, err := exec.LookPath("hyperfine")
	if err != nil {
		fmt.Println("\nhyperfine: not installed; the Go harness above is the measurement")
		return nil
	}
	help, _ := exec.Command(path, "--help").Output()
	if !bytes.Contains(help, []byte("--input")) {
		ver, _ := exec.Command(path, "--version").Output()
		fmt.Printf("\nhyperfine: %s has no --input (1.16+), so with -N it cannot give `get` its request; the Go harness above is the measurement\n", strings.TrimSpace(string(ver)))
		return nil
	}
	var a, b *scenario
	for _, sc := range scenarios {
		switch sc.name {
		case "adopat-get-vault-1":
			a = sc
		case "credential-store-get":
			b = sc
		}
	}
	out := filepath.Join(h.root, "hyperfine.json")
	cmd := exec.Command(path, "-N", "--warmup", strconv.Itoa(*warmupFlag), "--runs", strconv.Itoa(*runsFlag),
		"--input", a.stdin, "--export-json", out,
		"-n", a.name, strings.Join(a.argv, " "), "-n", b.name, strings.Join(b.argv, " "))
	cmd.Env = a.env // b names its file; HOME does not matter to it
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	fmt.Println()
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hyperfine: %w", err)
	}
	var res struct {
		Results []struct {
			Command string  `json:"command"`
			Median  float64 `json:"median"`
		} `json:"results"`
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &res); err != nil || len(res.Results) != 2 {
		return fmt.Errorf("hyperfine's JSON: %v", err)
	}
	fmt.Printf("hyperfine -N: median %s %.2f ms, %s %.2f ms, ratio %.2f\n", res.Results[0].Command, res.Results[0].Median*1000,
		res.Results[1].Command, res.Results[1].Median*1000, res.Results[0].Median/res.Results[1].Median)
	return nil
}

func printMachine(h *harness) {
	cpu := "unknown"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(raw), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	kernel, _ := exec.Command("uname", "-sr").Output()
	gitv, _ := exec.Command(h.git, "version").Output()
	fmt.Printf("date %s; %d CPUs (%s); %s; %s; %s; load average %s\n",
		time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.NumCPU(), cpu,
		strings.TrimSpace(string(kernel)), strings.TrimSpace(string(gitv)), runtime.Version(), loadavg())
}

func loadavg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// fileStamp is what tells a rewritten file: rename-replacing changes the
// inode, writing in place the mtime or size.
type fileStamp struct {
	mtime time.Time
	size  int64
	ino   uint64
}

func (s fileStamp) String() string { return s.mtime.Format(time.RFC3339Nano) }

func stamp(path string) (fileStamp, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}, err
	}
	return fileStamp{mtime: fi.ModTime(), size: fi.Size(), ino: inode(fi)}, nil
}

func mustRead(path string) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// replaceFile puts a copy of src at dst by rename, as adopat writes.
func replaceFile(src, dst string) error {
	tmp := dst + ".bench"
	if err := copyFile(src, tmp, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

// copyDir copies the regular files of src (one level) into dst, keeping
// their permission bits; dst is created private.
func copyDir(src, dst string) error {
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		if err := copyFile(filepath.Join(src, e.Name()), filepath.Join(dst, e.Name()), info.Mode().Perm()); err != nil {
			return err
		}
	}
	return nil
}
