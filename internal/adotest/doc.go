// Package adotest is an in-process stand-in for Azure DevOps git hosting,
// for end-to-end tests and demos of git-credential-adopat.
//
// It lets the real git binary talk to the real host names (dev.azure.com,
// {org}.visualstudio.com, declared on-prem servers) without root and
// without network access beyond loopback:
//
//   - git is pointed at a local CONNECT proxy (http.proxy). The proxy
//     tunnels dev.azure.com:443, *.visualstudio.com:443 and declared extra
//     HTTPS hosts to one local TLS server, and serves declared plain-HTTP
//     hosts (absolute-URI requests) itself. Anything else gets 403, so a
//     test can never leak to the internet.
//   - The TLS server presents a certificate for those names, signed by a
//     throw-away CA written to Server.CAFile (GIT_SSL_CAINFO).
//   - Requests are authenticated like Azure DevOps does for PATs (HTTP
//     Basic, username ignored, password = PAT of the organisation or host),
//     routed by host and path prefix to a bare repository, and served by
//     git http-backend through CGI.
//
// Routing: AddRepo registers every URL form under which Azure DevOps
// would serve the repository (dev.azure.com/{org}/{project}/_git/{repo};
// {org}.visualstudio.com with and without DefaultCollection/; the
// {org}/_git/{project} short form of a project's default repository), keyed
// by scheme, host:port and a case-insensitive path prefix. A request is
// served by the repository with the longest matching prefix; the remainder
// of the path (/info/refs, /git-upload-pack, ...) goes to git http-backend.
package adotest
