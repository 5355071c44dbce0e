//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd)

package keyring

import "time"

// secretConn is the Secret Service's per-operation connection
// (secretservice_read.go); there is none where go-keyring does not use the
// Secret Service, and every call is go-keyring's.
type secretConn struct{}

func newSecretConn(time.Duration) *secretConn { return nil }

func (*secretConn) get(service, account string) (secret string, done bool, err error) {
	return "", false, nil
}

func (*secretConn) close() {}
