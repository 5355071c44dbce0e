//go:build windows

package fsx

import (
	"fmt"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/adopat/git-credential-adopat/internal/store"
)

// On Windows who may read or change a file is its DACL, not a mode: a
// file below the profile inherits the profile's rules (the user, SYSTEM,
// Administrators), but a --vault on a shared drive or in C:\ inherits
// "Users" or "Everyone", and an explicit grant can add anyone. These are
// the Windows halves of checkPrivate and checkOwner, and the owner-only
// DACL adopat gives the files and directories it creates.

// trusted are the principals besides the user that may hold access: the
// operating system (SYSTEM) and the machine's administrators, who can
// take any file anyway (they hold SeTakeOwnershipPrivilege and
// SeBackupPrivilege), and who are in every profile's inherited rules.
var trusted = []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid}

// From winnt.h, which x/sys/windows does not name.
const (
	fileDeleteChild             = 0x40
	accessDeniedObjectACEType   = 6
	accessDeniedCallbackACEType = 10
)

// Access rights that let a principal read or change a file's content or
// its rules (generic rights appear in inheritable entries).
const (
	fileAccess = windows.FILE_READ_DATA | windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA |
		windows.WRITE_DAC | windows.WRITE_OWNER | windows.DELETE |
		windows.GENERIC_READ | windows.GENERIC_WRITE | windows.GENERIC_ALL
	// dirWrite: adding a file (FILE_ADD_FILE is FILE_WRITE_DATA's bit), a
	// subdirectory, deleting children or changing the rules, which plants
	// or replaces adopat's files; reading a directory is not refused, as
	// on Unix.
	dirWrite = windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | fileDeleteChild |
		windows.WRITE_DAC | windows.WRITE_OWNER |
		windows.GENERIC_WRITE | windows.GENERIC_ALL
)

// currentUser is the SID of the user adopat runs as.
func currentUser() (*windows.SID, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("cannot tell which user this is: %w", err)
	}
	return u.User.Sid, nil
}

func isTrusted(sid, user *windows.SID) bool {
	if sid.Equals(user) {
		return true
	}
	for _, w := range trusted {
		if sid.IsWellKnown(w) {
			return true
		}
	}
	return false
}

// aclStrangers lists the principals other than user, SYSTEM and
// Administrators that sd's DACL allows any of mask: their SIDs and names.
// A missing (NULL) DACL allows everyone everything. Deny entries only take
// access away, and inherit-only entries apply to children, not to this
// object, so neither counts.
func aclStrangers(sd *windows.SECURITY_DESCRIPTOR, user *windows.SID, mask windows.ACCESS_MASK) (sids, names []string, err error) {
	dacl, _, err := sd.DACL()
	if err == windows.ERROR_OBJECT_NOT_FOUND || dacl == nil {
		everyone, err := windows.CreateWellKnownSid(windows.WinWorldSid)
		if err != nil {
			return nil, nil, err
		}
		return []string{everyone.String()}, []string{"Everyone (the file has no access rules at all)"}, nil
	}
	if err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return nil, nil, err
		}
		switch ace.Header.AceType {
		case windows.ACCESS_DENIED_ACE_TYPE, accessDeniedObjectACEType, accessDeniedCallbackACEType:
			continue
		}
		if ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 || ace.Mask&mask == 0 {
			continue
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			// An object or callback entry, whose SID is not at SidStart:
			// not one adopat can name, so refuse it as unknown.
			if !seen["?"] {
				seen["?"] = true
				sids, names = append(sids, "?"), append(names, fmt.Sprintf("an access entry of type %d", ace.Header.AceType))
			}
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if isTrusted(sid, user) || seen[sid.String()] {
			continue
		}
		seen[sid.String()] = true
		sids, names = append(sids, sid.String()), append(names, sidName(sid))
	}
	return sids, names, nil
}

// sidName is DOMAIN\name for people, else the SID's string.
func sidName(sid *windows.SID) string {
	account, domain, _, err := sid.LookupAccount("")
	switch {
	case err != nil || account == "":
		return sid.String()
	case domain == "":
		return account
	}
	return domain + `\` + account
}

// checkAccess refuses path when its DACL lets a stranger have any of mask
// (dir: the directory rules), or, for a directory, when its owner is
// neither the user nor SYSTEM or Administrators.
func checkAccess(what, path string, dir bool, mask windows.ACCESS_MASK) error {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("cannot read the access rules of %s %s: %w", what, path, err)
	}
	user, err := currentUser()
	if err != nil {
		return err
	}
	if dir {
		if owner, _, err := sd.Owner(); err == nil && owner != nil && !isTrusted(owner, user) {
			return &store.PermissionError{What: what, Path: path, Dir: true, Owner: sidName(owner), User: sidName(user), UserSID: user.String()}
		}
	}
	sids, names, err := aclStrangers(sd, user, mask)
	if err != nil {
		return fmt.Errorf("cannot read the access rules of %s %s: %w", what, path, err)
	}
	if len(sids) > 0 {
		return &store.PermissionError{What: what, Path: path, Dir: dir, Others: names, OtherSIDs: sids, UserSID: user.String()}
	}
	return nil
}

// protect gives path an owner-only DACL: the user alone, full control,
// nothing inherited from the directory (a protected DACL), and for a
// directory the same rule inherited by everything created in it. Called
// right after creating the file, before anything is written to it.
func protect(path string, dir bool) error {
	user, err := currentUser()
	if err != nil {
		return err
	}
	inherit := ""
	if dir {
		inherit = "OICI"
	}
	rules := "D:P(A;" + inherit + ";FA;;;" + user.String() + ")"
	if underWine() {
		rules += wineDenyOthers
	}
	sd, err := windows.SecurityDescriptorFromString(rules)
	if err != nil {
		return err
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return err
	}
	if err := windows.SetNamedSecurityInfo(path, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil); err != nil {
		return fmt.Errorf("cannot make %s private to you: %w", path, err)
	}
	return nil
}

// Wine keeps no access rules on files, only their Unix mode, and its
// SetNamedSecurityInfo adds the directory's inheritable entries to the
// rules it is given even when they are protected: in a directory whose
// mode lets others read (a profile's AppData\Local is 0755 in a Wine
// prefix), the owner-only rules above become mode 0775, Everyone may read
// the file, and adopat refuses what it has just written. A deny entry for
// Everyone after the user's entry stops Wine from setting the "other"
// bits (Wine's server/file.c, sd_to_mode, reads the entries in order).
// Only under Wine: on Windows the protected DACL is enough, and a deny for
// Everyone, which Windows tools sort before the user's entry, would lock
// the user out.
const wineDenyOthers = "(D;;FA;;;WD)"

// underWine reports whether this Windows program runs under Wine, whose
// ntdll exports wine_get_version (Windows' does not).
var underWine = sync.OnceValue(func() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})
