package cli

import (
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/adopat/git-credential-adopat/internal/adotest"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
	"github.com/adopat/git-credential-adopat/internal/store/vault"
)

// unixAdvice is what no message may tell a Windows user to do.
var unixAdvice = []string{"chmod", "chown", "mode 0600", "0700", "make install", "~/.local", "systemd", "XDG_RUNTIME_DIR", "Ctrl-D"}

func wantWindowsAdvice(t *testing.T, what, msg string, want ...string) {
	t.Helper()
	for _, u := range unixAdvice {
		if strings.Contains(msg, u) {
			t.Errorf("%s gives Unix advice (%q) on Windows: %s", what, u, msg)
		}
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("%s does not say %q: %s", what, w, msg)
		}
	}
}

// On Windows every message names what exists there: a vault others can
// read is refused with the icacls command that fixes it, unlock (which
// needs a RAM-backed directory) says what to do instead, and removing the
// passphrase says to keep the key private, not mode 0600.
func TestWindowsMessagesNameWindowsThings(t *testing.T) {
	ta := newTestApp(t)
	if code := ta.run(adotest.NewPAT(), "add", "--org", "fabrikam", "--no-verify"); code != 0 {
		t.Fatal(ta.stderr)
	}
	vaultPath := ta.env["ADOPAT_VAULT"]

	// Everyone may read the vault (Wine maps this entry to the file's
	// Unix mode; Windows keeps the DACL as given).
	user, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		t.Fatal(err)
	}
	me := user.User.Sid.String()
	sd, err := windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + me + ")(A;;FR;;;WD)")
	if err != nil {
		t.Fatal(err)
	}
	dacl, _, _ := sd.DACL()
	if err := windows.SetNamedSecurityInfo(vaultPath, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
	if code := ta.run("", "list"); code == 0 {
		t.Errorf("list used a vault Everyone can read: %s", ta.stdout)
	}
	wantWindowsAdvice(t, "list of a vault Everyone can read", ta.stderr.String(),
		"is accessible by ", `run: icacls "`+vaultPath+`" /inheritance:r /grant:r *`+me+":(F) /remove *S-1-1-0")
	// What the advice does, done here: the vault is used again.
	sd, _ = windows.SecurityDescriptorFromString("D:P(A;;FA;;;" + me + ")")
	dacl, _, _ = sd.DACL()
	if err := windows.SetNamedSecurityInfo(vaultPath, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		t.Fatal(err)
	}
	ta.mustRun(t, "list")

	storetest.ProtectIdentity(t, vault.DefaultIdentityPath(vaultPath), "correct horse battery")
	ta.Terminal = func() bool { return true }
	ta.Prompt = func(string) (string, error) {
		t.Error("unlock prompted, though it cannot work on Windows")
		return "", nil
	}
	if code := ta.run("", "unlock"); code == 0 {
		t.Error("unlock succeeded on Windows")
	}
	wantWindowsAdvice(t, "unlock", ta.stderr.String(), "unlock is not available on Windows", "migrate --to keyring", "ADOPAT_PASSPHRASE_FILE")

	ta.Prompt = func(string) (string, error) { return "correct horse battery", nil }
	if code := ta.run("", "passphrase", "--remove"); code != 0 {
		t.Fatal(ta.stderr)
	}
	wantWindowsAdvice(t, "passphrase --remove", ta.stdout.String(), "private to you")

	for what, msg := range map[string]string{"--help's files": filesHelp(), "install advice": installAdvice(), "locked key advice": lockedKeyAdvice(), "new directory": newDirPrivacy(), "closed prompt": errPromptClosed.Error()} {
		wantWindowsAdvice(t, what, msg)
	}
}
