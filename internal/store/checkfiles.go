package store

// CheckFiles reports, without opening anything, every problem doctor
// should show about the vault's files: a directory other users could plant
// files in, and symbolic links, FIFOs or other non-regular files where the
// vault, identity or lock file belong. Commands refuse these when they
// meet them; doctor lists them all at once. Missing files are fine.
func (v *Vault) CheckFiles() []error {
	var errs []error
	if err := v.checkDirs(); err != nil {
		errs = append(errs, err)
	}
	for _, f := range [][2]string{{"vault", v.path}, {"identity", v.identityPath}, {"lock file", v.lockPath()}} {
		if err := checkOwnFile(f[0], f[1]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// CheckFiles reports the same for the usage journal and its siblings. A
// planted file there does not stop git's `get` (recording a use is best
// effort and is skipped), so this is where it surfaces, besides `list`.
func (l *UsageLog) CheckFiles() []error {
	var errs []error
	if err := checkDirOf("usage journal", l.path); err != nil {
		errs = append(errs, err)
	}
	for _, f := range [][2]string{
		{"usage journal", l.path}, {"usage journal", l.aside()},
		{"warning state", l.path + ".warned"}, {"lock file", l.path + ".lock"},
	} {
		if err := checkOwnFile(f[0], f[1]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
