//go:build race

package e2e_test

// raceEnabled makes TestMain build the helper with -race too, so that a
// data race inside the binary fails the test that ran it (stderr).
const raceEnabled = true
