package cli

// Where adopat's files are by default is internal/backends' to say (Env's
// HomeDir, DefaultVaultPath, ...), from the App's environment (a.Getenv),
// never the process's.

func (a *App) homeDir() (string, error) { return a.env(nil).HomeDir() }

func (a *App) defaultVaultPath() (string, error) { return a.env(nil).DefaultVaultPath() }

func (a *App) defaultIndexPath() (string, error) { return a.env(nil).DefaultIndexPath() }

func (a *App) configPath() (string, error) { return a.env(nil).ConfigPath() }

func (a *App) indexPath() (string, error) { return a.env(nil).IndexPath() }
