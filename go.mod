module github.com/adopat/git-credential-adopat

go 1.26.8

require (
	filippo.io/age v1.3.2
	github.com/godbus/dbus/v5 v5.2.2
	github.com/spf13/pflag v1.1.0
	github.com/zalando/go-keyring v0.2.8
	golang.org/x/sys v0.50.0
	golang.org/x/term v0.48.0
)

require (
	filippo.io/hpke v0.4.0 // indirect
	github.com/danieljoos/wincred v1.2.3 // indirect
	golang.org/x/crypto v0.55.0 // indirect
)
