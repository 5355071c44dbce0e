package cli

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
)

// noNetwork is the client every test starts with: a test that wants Azure
// DevOps points verifyClient at the stand-in; any other question (erase's
// check, verify) fails at once instead of reaching a real host.
var noNetwork = &adoapi.Client{HTTP: &http.Client{Transport: &http.Transport{
	DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("the cli tests reach no network but the stand-in")
	},
}}}

func init() { verifyClient = noNetwork }
