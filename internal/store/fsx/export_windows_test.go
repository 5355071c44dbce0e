package fsx

// CurrentUser is the user's SID for the external tests.
var CurrentUser = currentUser
