package vault

import (
	"github.com/adopat/git-credential-adopat/internal/store/fsx"
)

// CheckFiles reports, without opening anything, every problem doctor
// should show about the vault's files: a directory other users could plant
// files in, and symbolic links, FIFOs or other non-regular files where the
// vault, identity or lock file belong. Commands refuse these when they
// meet them; doctor lists them all at once. Missing files are fine.
func (v *Store) CheckFiles() []error {
	var errs []error
	if err := v.checkDirs(); err != nil {
		errs = append(errs, err)
	}
	for _, f := range [][2]string{{"vault", v.path}, {"identity", v.identityPath}, {"lock file", v.lockPath()}} {
		if err := fsx.CheckOwn(f[0], f[1]); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
