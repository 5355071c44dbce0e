package adoapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// NetworkError means the server could not be asked or failed to answer:
// DNS, connection, proxy, TLS, a timeout, a cancelled context, or a server
// or proxy failure (5xx, 429, 407, 408). It says nothing about the PAT;
// try again later.
type NetworkError struct {
	// URL is the URL asked. It never carries the PAT.
	URL string
	// Status is the HTTP status of a server or proxy failure, or 0 when
	// no answer came.
	Status int
	// Message is the server's own explanation of a failure, cleaned and
	// shortened; may be empty.
	Message string
	// Err is the transport error, or nil for a status.
	Err error

	limit time.Duration // the Timeout in force, for the message
}

func (e *NetworkError) Error() string {
	switch {
	case e.Status != 0:
		msg := fmt.Sprintf("%s answered %s: the server failed; try again later", e.URL, statusLine(e.Status))
		if e.Message != "" {
			msg += " (" + e.Message + ")"
		}
		return msg
	case errors.Is(e.Err, context.Canceled):
		return fmt.Sprintf("asking %s: cancelled", e.URL)
	case e.Timeout():
		if e.limit > 0 {
			return fmt.Sprintf("no answer from %s within %v", e.URL, e.limit)
		}
		return fmt.Sprintf("no answer from %s in time: %v", e.URL, e.Err)
	}
	return fmt.Sprintf("cannot reach %s: %v", e.URL, e.Err)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// Timeout reports whether the request ran out of time (Client.Timeout, the
// caller's deadline, or a network timeout).
func (e *NetworkError) Timeout() bool {
	if errors.Is(e.Err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(e.Err, &ne) && ne.Timeout()
}

// ResponseError means the server answered, but with something that says
// nothing about the PAT: 404 (no organisation or collection there), 400, a
// redirect to somewhere other than a sign-in page, a JSON answer too large
// to be connectionData. Check the organisation or server URL.
type ResponseError struct {
	// URL is the URL asked. It never carries the PAT.
	URL string
	// Status is the HTTP status of the answer.
	Status int
	// Reason explains the answer for a person.
	Reason string
	// Message is the server's own explanation, cleaned and shortened; may
	// be empty.
	Message string
}

func (e *ResponseError) Error() string {
	msg := e.URL + ": " + e.Reason
	if e.Message != "" {
		msg += " (" + e.Message + ")"
	}
	return msg
}

// statusLine is "404 Not Found".
func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("%d", code)
}
