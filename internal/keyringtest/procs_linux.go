package keyringtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adopat/git-credential-adopat/internal/syncbuf"
)

// proc is a daemon the harness started, in its own process group.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed when Wait returned
	out  syncbuf.Buffer
}

func (s *Session) start(cmd *exec.Cmd) *proc {
	s.t.Helper()
	p := &proc{name: filepath.Base(cmd.Path), cmd: cmd, done: make(chan struct{})}
	if cmd.Stdout == nil {
		cmd.Stdout = &p.out
	}
	cmd.Stderr = &p.out
	// Own process group, so Close ends whatever the daemon forks too;
	// Pdeathsig, so a test binary that dies without cleanup takes the
	// daemons with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("cannot start %s: %v", p.name, err)
	}
	s.procs = append(s.procs, p)
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) output() string {
	if o := strings.TrimSpace(p.out.String()); o != "" {
		return o
	}
	return "(no output)"
}

// stop ends p's process group: SIGTERM, then SIGKILL if it lingers.
func (p *proc) stop() {
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL) // anything left in the group
}

// Close ends every process the session started, checks that none
// survived (by the marker in their environment, which also finds services
// the bus activated) and removes the session's files. Start and BusOnly
// register it with t.Cleanup; calling it earlier is fine.
func (s *Session) Close() {
	s.closeOnce.Do(func() {
		if s.conn != nil {
			s.conn.Close()
		}
		if s.monitor != nil {
			s.monitor.conn.Close()
		}
		if s.cancelConn != nil {
			s.cancelConn()
		}
		for i := len(s.procs) - 1; i >= 0; i-- {
			s.procs[i].stop()
		}
		if left := s.stragglers(); len(left) > 0 {
			for _, pid := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			s.t.Errorf("keyringtest: processes of the session outlived it and were killed: %s", describe(left))
		}
		if err := os.RemoveAll(s.root); err != nil {
			s.t.Errorf("keyringtest: %v", err)
		}
	})
}

// stragglers lists processes whose environment carries this session's
// marker, waiting briefly for ones that are exiting anyway.
func (s *Session) stragglers() []int {
	marker := []byte(markerVar + "=" + s.root + "\x00")
	var left []int
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		left = left[:0]
		dirs, _ := os.ReadDir("/proc")
		for _, d := range dirs {
			pid, err := strconv.Atoi(d.Name())
			if err != nil || pid == os.Getpid() {
				continue
			}
			env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
			if err == nil && bytes.Contains(env, marker) && !zombie(pid) {
				left = append(left, pid)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
	}
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return errors.Is(err, os.ErrNotExist)
	}
	// The state follows the parenthesised command name.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}

func describe(pids []int) string {
	var parts []string
	for _, pid := range pids {
		cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		parts = append(parts, fmt.Sprintf("%d (%s)", pid, strings.TrimSpace(strings.ReplaceAll(string(cmd), "\x00", " "))))
	}
	return strings.Join(parts, ", ")
}
