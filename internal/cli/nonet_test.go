package cli

import (
	"context"
	"errors"
	"net"
	"net/http"

	"github.com/adopat/git-credential-adopat/internal/adoapi"
)

// noNetwork is the client every test App starts with (newTestApp): a test
// that wants Azure DevOps points the App at the stand-in (useStandIn); any
// other question (erase's check, verify) fails at once instead of reaching
// a real host.
var noNetwork = &adoapi.Client{HTTP: &http.Client{Transport: &http.Transport{
	DialContext: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("the cli tests reach no network but the stand-in")
	},
}}}

// useClient makes c the client for every question ta's App asks Azure
// DevOps.
func (ta *testApp) useClient(c *adoapi.Client) {
	ta.AzureDevOps = func(string, bool) (*adoapi.Client, error) { return c, nil }
}
