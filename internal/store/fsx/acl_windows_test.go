package fsx_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/windows"

	"github.com/adopat/git-credential-adopat/internal/store"
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
	"github.com/adopat/git-credential-adopat/internal/store/storetest"
)

func sddl(t *testing.T, path string) string {
	t.Helper()
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		t.Fatal(err)
	}
	return sd.String()
}

// setDACL replaces path's DACL with the one in the SDDL string dacl.
func setDACL(t *testing.T, path, dacl string) {
	t.Helper()
	sd, err := windows.SecurityDescriptorFromString(dacl)
	if err != nil {
		t.Fatal(err)
	}
	acl, _, err := sd.DACL()
	if err != nil {
		t.Fatal(err)
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, acl, nil); err != nil {
		t.Fatal(err)
	}
}

// What adopat writes is private to the user (an owner-only DACL) and reads
// back; a file whose DACL lets Everyone or Users read it is refused, with
// who; SYSTEM and Administrators may have access; a directory others may
// add files to is refused.
func TestWindowsDACLs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "adopat")
	if err := fsx.MkdirPrivate("vault", dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "vault.age")
	if err := fsx.WriteOwn("vault", path, []byte("secret")); err != nil {
		t.Fatal(err)
	}
	if _, err := fsx.ReadPrivate("vault", path, 1<<10); err != nil {
		t.Fatalf("what adopat wrote is refused: %v (DACL %s)", err, sddl(t, path))
	}
	if err := fsx.CheckDirOf("vault", path); err != nil {
		t.Errorf("the directory adopat made is refused: %v (DACL %s)", err, sddl(t, dir))
	}

	user, err := fsx.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	me := user.String()
	// Wine derives a file's DACL from its Unix mode: entries for the user
	// and Everyone become mode bits, others (Users) are dropped; so the
	// cases naming Users run on Windows only.
	wine := storetest.UnderWine()
	for _, tc := range []struct {
		dacl   string
		others string // "" when the file must be accepted
	}{
		{"D:P(A;;FA;;;" + me + ")", ""},
		{"D:P(A;;FA;;;" + me + ")(A;;FA;;;SY)(A;;FA;;;BA)", ""},
		{"D:P(A;;FA;;;" + me + ")(D;;FA;;;WD)", ""},             // a deny takes away
		{"D:P(A;;FA;;;" + me + ")(A;OICIIO;FA;;;WD)", ""},       // inherit-only: for children
		{"D:P(A;;FA;;;" + me + ")(A;;FR;;;WD)", "S-1-1-0"},      // Everyone may read
		{"D:P(A;;FA;;;" + me + ")(A;;FW;;;BU)", "S-1-5-32-545"}, // Users may write
	} {
		if wine && strings.Contains(tc.dacl, "BU") {
			continue
		}
		setDACL(t, path, tc.dacl)
		_, err := fsx.ReadPrivate("vault", path, 1<<10)
		var perm *store.PermissionError
		switch {
		case tc.others == "" && err != nil:
			t.Errorf("%s: refused: %v", tc.dacl, err)
		case tc.others != "" && (!errors.As(err, &perm) || !errors.Is(err, store.ErrInsecurePermissions)):
			t.Errorf("%s: not refused as insecure: %v", tc.dacl, err)
		case tc.others != "" && (len(perm.OtherSIDs) != 1 || perm.OtherSIDs[0] != tc.others || perm.UserSID != me):
			t.Errorf("%s: %+v; want %s named", tc.dacl, perm, tc.others)
		case tc.others != "" && !strings.Contains(err.Error(), "is accessible by "):
			t.Errorf("%s: %v", tc.dacl, err)
		}
	}

	// A directory that others may add files to.
	setDACL(t, dir, "D:P(A;OICI;FA;;;"+me+")(A;;FA;;;WD)")
	err = fsx.CheckDirOf("vault", path)
	var perm *store.PermissionError
	if !errors.As(err, &perm) || !perm.Dir || len(perm.OtherSIDs) != 1 || perm.OtherSIDs[0] != "S-1-1-0" {
		t.Errorf("a directory Everyone may add files to: %v", err)
	}
	// Reading it is no reason to refuse, as on Unix.
	setDACL(t, dir, "D:P(A;OICI;FA;;;"+me+")(A;;FR;;;WD)")
	if err := fsx.CheckDirOf("vault", path); err != nil {
		t.Errorf("a directory Users may list: %v", err)
	}
}

// A file that OpenOwn creates (journal, lock file) is private from the
// start; an existing one keeps its rules.
func TestWindowsOpenOwnCreatesPrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.age.usage")
	f, err := fsx.OpenOwn("usage journal", path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := fsx.ReadPrivate("usage journal", path, 1<<10); err != nil {
		t.Errorf("a journal OpenOwn created is refused: %v (%s)", err, sddl(t, path))
	}
}

// In a directory whose rules let Everyone read what is created in it (a
// --vault on a shared drive; under Wine, every directory of mode 0755,
// AppData\Local included), what adopat creates is still private to the
// user: the directory's inheritable entries do not reach it, and adopat
// accepts its own files afterwards.
func TestWindowsCreatesPrivateInAReadableDirectory(t *testing.T) {
	user, err := fsx.CurrentUser()
	if err != nil {
		t.Fatal(err)
	}
	parent := t.TempDir()
	setDACL(t, parent, "D:P(A;OICI;FA;;;"+user.String()+")(A;OICI;FR;;;WD)")

	dir := filepath.Join(parent, "adopat")
	if err := fsx.MkdirPrivate("vault", dir); err != nil {
		t.Fatal(err)
	}
	if err := fsx.CheckDirOf("vault", filepath.Join(dir, "vault.age")); err != nil {
		t.Errorf("the directory adopat made: %v (DACL %s)", err, sddl(t, dir))
	}
	for _, d := range []string{parent, dir} {
		vault, identity, journal := filepath.Join(d, "vault.age"), filepath.Join(d, "identity.txt"), filepath.Join(d, "vault.age.usage")
		if err := fsx.WriteAtomic("vault", vault, []byte("secret"), true); err != nil {
			t.Fatal(err)
		}
		if err := fsx.CreateExclusive("identity", identity, []byte("key")); err != nil {
			t.Fatal(err)
		}
		f, err := fsx.OpenOwn("usage journal", journal, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		for _, p := range []string{vault, identity, journal} {
			if _, err := fsx.ReadPrivate("file", p, 1<<10); err != nil {
				t.Errorf("adopat refuses the file it created: %v (DACL %s)", err, sddl(t, p))
			}
		}
	}
}
