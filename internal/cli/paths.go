package cli

// Where adopat's files are by default is internal/backends' to say (Env's
// HomeDir, DefaultVaultPath, ...), from the App's environment (a.Getenv),
// never the process's.

func (a *App) configPath() (string, error) { return a.env(nil).ConfigPath() }
