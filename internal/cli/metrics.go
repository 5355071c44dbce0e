package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// metricsOptions are metrics' own flags.
type metricsOptions struct {
	output string
}

// metricsCmd is `metrics`.
func metricsCmd() *command {
	opts := &metricsOptions{}
	return newCommand("metrics", storeFlags, withOptions(opts, runMetrics), func(fs *pflag.FlagSet) {
		fs.StringVar(&opts.output, "output", "", "write to FILE (replaced atomically, for node_exporter's textfile collector) instead of stdout")
	})
}

// runMetrics writes the tokens' state in the Prometheus text exposition
// format, to stdout or, for node_exporter's textfile collector, to a file
// replaced atomically (the collector must never read half a file).
func runMetrics(a *App, o *options, opts *metricsOptions, args []string) error {
	if len(args) > 0 {
		return usagef("metrics takes no arguments; use --output FILE")
	}
	b, d, err := a.loadWithUsage(o)
	if err != nil {
		return err
	}
	out := renderMetrics(b, d, a)
	if opts.output == "" {
		_, err := a.Stdout.Write(out)
		return err
	}
	return writeReplacing(opts.output, out)
}

// metric is one family: its help text and a sample per token.
type metric struct {
	name, kind, help string
	value            func(t *store.Token) (float64, bool)
}

var tokenMetrics = []metric{
	{"adopat_token_expiry_timestamp_seconds", "gauge", "When the PAT expires, as Unix time (tokens with a recorded expiry).",
		func(t *store.Token) (float64, bool) { return unix(t.Expires) }},
	{"adopat_token_last_used_timestamp_seconds", "gauge", "When git was last answered with the PAT, as Unix time.",
		func(t *store.Token) (float64, bool) { return unix(t.LastUsed) }},
	{"adopat_token_uses_total", "counter", "Answers given to git with the PAT.",
		func(t *store.Token) (float64, bool) { return float64(t.Uses), true }},
	{"adopat_token_withdrawn", "gauge", "1 when git reported the PAT rejected and it was withdrawn from answers.",
		func(t *store.Token) (float64, bool) { return boolValue(t.Withdrawn != nil), true }},
	{"adopat_token_created_timestamp_seconds", "gauge", "When the PAT was stored, as Unix time.",
		func(t *store.Token) (float64, bool) { return float64(t.Created.Unix()), !t.Created.IsZero() }},
	{"adopat_token_cached_expiry_timestamp_seconds", "gauge", "When the token a token source last gave (Microsoft Entra, Key Vault) stops being sent, as Unix time.",
		func(t *store.Token) (float64, bool) { return unix(t.CacheUntil) }},
	{"adopat_token_last_mint_timestamp_seconds", "gauge", "When a token source last gave a token (Microsoft Entra, Key Vault), as Unix time.",
		func(t *store.Token) (float64, bool) { return unix(t.Minted) }},
}

func renderMetrics(b *backend, d *store.Data, a *App) []byte {
	var buf bytes.Buffer
	for _, m := range tokenMetrics {
		fmt.Fprintf(&buf, "# HELP %s %s\n# TYPE %s %s\n", m.name, m.help, m.name, m.kind)
		for i := range d.Tokens {
			t := &d.Tokens[i]
			if v, ok := m.value(t); ok {
				fmt.Fprintf(&buf, "%s{%s} %s\n", m.name, tokenLabels(t), strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
	}
	fmt.Fprintf(&buf, "# HELP adopat_token_write_access 1 when the PAT's recorded scopes allow more than reading.\n# TYPE adopat_token_write_access gauge\n")
	for i := range d.Tokens {
		t := &d.Tokens[i]
		lt := describe(t, a.Now())
		fmt.Fprintf(&buf, "adopat_token_write_access{%s,privilege=%s} %v\n", tokenLabels(t), labelValue(lt.Privilege), boolValue(lt.Privilege == "write" || lt.Privilege == "full"))
	}
	fmt.Fprintf(&buf, "# HELP adopat_token_source_info 1 for each token whose secret comes from a token source instead of a stored PAT.\n# TYPE adopat_token_source_info gauge\n")
	for i := range d.Tokens {
		if t := &d.Tokens[i]; t.Source != nil {
			fmt.Fprintf(&buf, "adopat_token_source_info{%s,source=%s,keyvault=%s} 1\n", tokenLabels(t), labelValue(t.Source.Entra), labelValue(t.Source.KeyVault))
		}
	}
	fmt.Fprintf(&buf, "# HELP adopat_tokens Tokens in the store.\n# TYPE adopat_tokens gauge\nadopat_tokens{backend=%s} %d\n", labelValue(b.Name), len(d.Tokens))
	return buf.Bytes()
}

func tokenLabels(t *store.Token) string {
	return "scope=" + labelValue(t.Scope()) + ",label=" + labelValue(t.Label)
}

// labelValue quotes a label value as the exposition format requires:
// backslash, double quote and newline escaped.
func labelValue(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// unix gives a time as a sample value; no sample when it is unknown.
func unix(t *time.Time) (float64, bool) {
	if t == nil {
		return 0, false
	}
	return float64(t.Unix()), true
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// writeReplacing writes path through a temporary file in its directory and
// a rename, so readers see the old or the new file, never a partial one.
func writeReplacing(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil { // the collector runs as another user
		tmp.Close()
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
