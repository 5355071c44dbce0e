package cli

import (
	"context"

	"github.com/adopat/git-credential-adopat/internal/entra"
	"github.com/adopat/git-credential-adopat/internal/helper"
	"github.com/adopat/git-credential-adopat/internal/store"
)

// mint asks a token's source (helper.Minter): App.Mint when a test set
// it, else Microsoft Entra ID or Key Vault through internal/entra, with
// the process's environment (azidentity reads its variables there too).
func (a *App) mint(ctx context.Context, src *store.Source) (helper.Minted, error) {
	if a.Mint != nil {
		return a.Mint(ctx, src)
	}
	return (&entra.Minter{}).Mint(ctx, src)
}
