package fsx

import "time"

// SetLockPoll shortens how often a waiter looks at the lock file.
func SetLockPoll(d time.Duration) (restore func()) {
	old := lockPoll
	lockPoll = d
	return func() { lockPoll = old }
}
